package syncer

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qooper/hrsync/mapping"
)

func TestPlanMappingFailureNamesField(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		record    testRecord
		wantField string
	}{
		{"unknown list item", employee("1001", "Ada", "Lovelace").with("work.title", "999"), mapping.TargetJobTitle},
		{"invalid start date", employee("1001", "Ada", "Lovelace").with("work.startDate", "2023-13-45"), mapping.TargetStartDate},
		{"unknown status", employee("1001", "Ada", "Lovelace").with("internal.status", "Terminated"), mapping.TargetStatus},
		{"name of wrong type", employee("1001", "Ada", "Lovelace").with("root.firstName", []any{"Ada"}), mapping.TargetFirstName},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src := &fakeSource{records: []mapping.Record{tt.record, employee("1002", "Grace", "Hopper")}}
			s := newTestSyncer(t, src, newMemTarget())

			plan, err := s.Plan(t.Context())
			require.NoError(t, err)

			failure := failureFor(plan, "1001")
			require.NotNil(t, failure)
			assert.Equal(t, CodeMappingFailed, failure.Code)
			assert.Equal(t, tt.wantField, failure.Field)
			assert.NotNil(t, changeFor(plan, "1002"), "the other record still plans")
		})
	}
}
