package hibob_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qooper/hrsync/hibob"
	"github.com/qooper/hrsync/hibob/hibobtest"
)

func TestCheckPermissions(t *testing.T) {
	t.Parallel()
	fields := []string{"root.id", "root.email", "work.department", "internal.terminationDate", "work.custom.field_1"}
	tests := []struct {
		name string
		opts []hibobtest.Option
		want *hibob.PermissionReport
	}{
		{
			name: "everything visible",
			want: &hibob.PermissionReport{
				FieldCount: len(hibobtest.DefaultFields()), EmployeesSeen: 4, InactiveSeen: 1, InactiveVisible: true,
				MissingFields: []string{"work.custom.field_1"},
				UnknownFields: []string{"work.custom.field_1"},
			},
		},
		{
			name: "hidden fields and no former employees",
			opts: []hibobtest.Option{hibobtest.WithHiddenFields("root.email", "internal.terminationDate"), hibobtest.WithInactiveHidden()},
			want: &hibob.PermissionReport{
				FieldCount: len(hibobtest.DefaultFields()), EmployeesSeen: 3,
				MissingFields: []string{"root.email", "internal.terminationDate", "work.custom.field_1"},
				UnknownFields: []string{"work.custom.field_1"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := hibobtest.Start(t, append(smallCompany(), tt.opts...)...)
			client := newFakeClient(t, srv)

			report, err := client.CheckPermissions(t.Context(), fields)

			require.NoError(t, err)
			if diff := cmp.Diff(tt.want, report); diff != "" {
				t.Errorf("report mismatch (-want +got):\n%s", diff)
			}
			assert.False(t, report.OK())
			requests := srv.Requests()
			require.Len(t, requests, 2)
			assert.Equal(t, "/v1/company/people/fields", requests[0].Path)
			body, _ := requests[1].Body.(map[string]any)
			assert.Equal(t, true, body["showInactive"])
		})
	}
}

func TestCheckPermissionsAllVisible(t *testing.T) {
	t.Parallel()
	srv := hibobtest.Start(t, smallCompany()...)
	client := newFakeClient(t, srv)

	report, err := client.CheckPermissions(t.Context(), []string{"root.id", "work.reportsTo"})

	require.NoError(t, err)
	assert.True(t, report.OK())
	assert.Empty(t, report.MissingFields)
}

func TestCheckPermissionsWrongCredentials(t *testing.T) {
	t.Parallel()
	srv := hibobtest.Start(t)
	creds := srv.Credentials()
	creds.ServiceUserID = "SERVICE-OTHER"
	client, err := hibob.NewClient(creds, hibob.WithBaseURL(srv.URL()))
	require.NoError(t, err)

	_, err = client.CheckPermissions(t.Context(), []string{"root.id"})

	assert.ErrorIs(t, err, hibob.ErrUnauthorized)
	assert.Len(t, srv.Requests(), 1, "the search must not run after the credentials failed")
}
