package qooper_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qooper/hrsync/qooper"
)

func TestFieldStates(t *testing.T) {
	t.Parallel()
	var absent qooper.Field[string]
	set := qooper.Set("x")
	null := qooper.Null[string]()

	assert.False(t, absent.IsSet())
	assert.False(t, absent.IsNull())
	assert.True(t, set.IsSet())
	assert.False(t, set.IsNull())
	assert.True(t, null.IsSet())
	assert.True(t, null.IsNull())
	value, ok := set.Value()
	assert.Equal(t, "x", value)
	assert.True(t, ok)
	_, ok = null.Value()
	assert.False(t, ok)
}

func TestUserFieldsMarshalJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		fields qooper.UserFields
		want   string
	}{
		{"empty", qooper.UserFields{}, `{}`},
		{"values in fixed order", qooper.UserFields{
			LastName: qooper.Set("Lovelace"), Email: qooper.Set("ada@example.com"), ExternalID: qooper.Set("1042"),
		}, `{"externalId":"1042","email":"ada@example.com","lastName":"Lovelace"}`},
		{"empty string is a value", qooper.UserFields{DisplayName: qooper.Set("")}, `{"displayName":""}`},
		{"null clears", qooper.UserFields{JobTitle: qooper.Null[string](), TerminationDate: qooper.Null[string]()},
			`{"jobTitle":null,"terminationDate":null}`},
		{"manager by id", qooper.UserFields{ManagerID: qooper.Set("usr_2")}, `{"manager":{"id":"usr_2"}}`},
		{"manager cleared", qooper.UserFields{ManagerID: qooper.Null[string]()}, `{"manager":null}`},
		{"custom attributes merge", qooper.UserFields{CustomAttributes: map[string]any{"level": "L5", "old": nil, "remote": true}},
			`{"customAttributes":{"level":"L5","old":null,"remote":true}}`},
		{"custom attributes cleared", qooper.UserFields{ClearCustomAttributes: true}, `{"customAttributes":null}`},
		{"empty attribute map sends nothing", qooper.UserFields{CustomAttributes: map[string]any{}}, `{}`},
	}
	for _, tt := range tests {
		got, err := json.Marshal(tt.fields)
		require.NoError(t, err, tt.name)
		assert.Equal(t, tt.want, string(got), tt.name)

		byPointer, err := json.Marshal(&tt.fields)
		require.NoError(t, err, tt.name)
		assert.Equal(t, tt.want, string(byPointer), tt.name)
	}
}

func TestUserFieldsMarshalRejectsClearAndSet(t *testing.T) {
	t.Parallel()
	fields := qooper.UserFields{ClearCustomAttributes: true, CustomAttributes: map[string]any{"a": "b"}}

	_, err := json.Marshal(fields)

	assert.Error(t, err)
}

func TestUserFieldsRoundTrip(t *testing.T) {
	t.Parallel()
	fields := qooper.UserFields{
		ExternalID:       qooper.Set("1042"),
		Email:            qooper.Set("ada@example.com"),
		DisplayName:      qooper.Null[string](),
		StartDate:        qooper.Set("2021-05-04"),
		ManagerID:        qooper.Set("usr_2"),
		CustomAttributes: map[string]any{"level": "L5", "grade": 3.5, "gone": nil},
	}
	encoded, err := json.Marshal(fields)
	require.NoError(t, err)

	var decoded qooper.UserFields
	require.NoError(t, json.Unmarshal(encoded, &decoded))
	again, err := json.Marshal(decoded)

	require.NoError(t, err)
	assert.JSONEq(t, string(encoded), string(again))
	assert.True(t, decoded.DisplayName.IsNull())
	assert.False(t, decoded.JobTitle.IsSet())
}

func TestUserFieldsUnmarshalClearAttributes(t *testing.T) {
	t.Parallel()
	var fields qooper.UserFields

	require.NoError(t, json.Unmarshal([]byte(`{"customAttributes":null}`), &fields))

	assert.True(t, fields.ClearCustomAttributes)
	assert.Empty(t, fields.CustomAttributes)
}

func TestUserFieldsUnmarshalRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		body string
		want []qooper.FieldError
	}{
		{`[]`, []qooper.FieldError{{Code: qooper.CodeInvalidRequest, Message: "body must be a JSON object"}}},
		{`{"nickname":"x","version":2}`, []qooper.FieldError{
			{Field: "nickname", Code: qooper.CodeInvalidRequest, Message: "unknown field"},
			{Field: "version", Code: qooper.CodeInvalidRequest, Message: "field is read-only"},
		}},
		{`{"email":42}`, []qooper.FieldError{{Field: "email", Code: qooper.CodeInvalidValue, Message: "must be a string or null"}}},
		{`{"manager":{"id":7}}`, []qooper.FieldError{{Field: "manager", Code: qooper.CodeInvalidRequest, Message: `must be {"id": "<user id>"} or null`}}},
		{`{"manager":{}}`, []qooper.FieldError{{Field: "manager", Code: qooper.CodeInvalidRequest, Message: `must be {"id": "<user id>"} or null`}}},
		{`{"customAttributes":"x"}`, []qooper.FieldError{{Field: "customAttributes", Code: qooper.CodeInvalidValue, Message: "must be an object or null"}}},
	}
	for _, tt := range tests {
		var fields qooper.UserFields
		err := json.Unmarshal([]byte(tt.body), &fields)

		var validationErr *qooper.ValidationError
		require.ErrorAs(t, err, &validationErr, tt.body)
		assert.Equal(t, tt.want, validationErr.Errors, tt.body)
	}
}

func TestUserETag(t *testing.T) {
	t.Parallel()
	u := &qooper.User{Version: 7}

	assert.Equal(t, `"7"`, u.ETag())
}

func TestUserDecodesResponse(t *testing.T) {
	t.Parallel()
	body := `{
	  "id": "usr_01HV9Z3K8M", "externalId": "3332883884017713938", "email": "ada.lovelace@example.com",
	  "firstName": "Ada", "lastName": "Lovelace", "displayName": "Ada Lovelace", "jobTitle": "Engineering Manager",
	  "department": "Engineering", "location": "London", "employeeNumber": "1042", "startDate": "2021-05-04",
	  "terminationDate": null, "manager": {"id": "usr_01HV9Z0AAA", "externalId": "3332883804594373380"},
	  "status": "active", "customAttributes": {"division": "R&D", "level": "L5", "remote": true},
	  "createdAt": "2026-01-10T08:00:00Z", "updatedAt": "2026-03-02T09:15:00Z", "version": 7
	}`

	var u qooper.User
	require.NoError(t, json.Unmarshal([]byte(body), &u))

	assert.Equal(t, "3332883884017713938", *u.ExternalID)
	assert.Nil(t, u.TerminationDate)
	assert.Equal(t, "3332883804594373380", *u.Manager.ExternalID)
	assert.Equal(t, qooper.StatusActive, u.Status)
	assert.Equal(t, true, u.CustomAttributes["remote"])
	assert.Equal(t, int64(7), u.Version)
	assert.Equal(t, 2026, u.UpdatedAt.Year())
}
