package qooper_test

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qooper/hrsync/qooper"
)

func TestValidateAcceptsValidFields(t *testing.T) {
	t.Parallel()
	fields := validFields()
	fields.DisplayName = qooper.Set("")
	fields.JobTitle = qooper.Set(strings.Repeat("é", 200))
	fields.FirstName = qooper.Set("  " + strings.Repeat("ü", 100) + "  ")
	fields.StartDate = qooper.Set("2024-02-29")
	fields.TerminationDate = qooper.Null[string]()
	fields.ExternalID = qooper.Set(strings.Repeat("9", 255))
	fields.ManagerID = qooper.Set("usr_2")
	fields.CustomAttributes = map[string]any{
		"level": "L5", "remote": true, "grade": 3, "score": 4.5, "n": json.Number("7"), "gone": nil,
		strings.Repeat("k", 64): "max key",
	}

	assert.NoError(t, fields.Validate(true))
	assert.NoError(t, fields.Validate(false))
	assert.NoError(t, qooper.UserFields{}.Validate(false), "an empty patch is valid")
}

func TestValidateAcceptsEmails(t *testing.T) {
	t.Parallel()
	for _, email := range []string{
		"ada@example.com", "Ada.Lovelace@Example.COM", "a+tag@mail.example.co.uk",
		"o'brien@example.ie", "x!#$%&'*+-/=?^_`{|}~@example.com", "a@b-c.example",
		strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 61),
	} {
		fields := qooper.UserFields{Email: qooper.Set(email)}
		assert.NoError(t, fields.Validate(false), email)
	}
}

func TestValidateRejectsEmails(t *testing.T) {
	t.Parallel()
	for _, email := range []string{
		"", "ada", "ada@", "@example.com", "ada@localhost", "ada@@example.com", "ada@exa mple.com",
		" ada@example.com", "ada@example.com ", ".ada@example.com", "ada.@example.com", "a..b@example.com",
		"ada@-example.com", "ada@example-.com", "ada@example..com", "ada@example.com.", "adä@example.com",
		`"ada"@example.com`, "ada@exa_mple.com", "ada@[127.0.0.1]",
		strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 62),
	} {
		err := qooper.UserFields{Email: qooper.Set(email)}.Validate(false)
		assertFieldErrors(t, err, map[string]string{"email": qooper.CodeInvalidValue}, email)
	}
}

func TestValidateFieldRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		fields qooper.UserFields
		create bool
		want   map[string]string
	}{
		{"create needs required fields", qooper.UserFields{}, true,
			map[string]string{"email": qooper.CodeRequired, "firstName": qooper.CodeRequired, "lastName": qooper.CodeRequired}},
		{"required fields cannot be null", qooper.UserFields{Email: qooper.Null[string](), FirstName: qooper.Null[string]()}, false,
			map[string]string{"email": qooper.CodeRequired, "firstName": qooper.CodeRequired}},
		{"blank name", qooper.UserFields{LastName: qooper.Set(" \t ")}, false, map[string]string{"lastName": qooper.CodeInvalidValue}},
		{"long name", qooper.UserFields{FirstName: qooper.Set(strings.Repeat("é", 101))}, false,
			map[string]string{"firstName": qooper.CodeInvalidValue}},
		{"long texts", qooper.UserFields{
			DisplayName: qooper.Set(strings.Repeat("x", 201)), JobTitle: qooper.Set(strings.Repeat("x", 201)),
			Department: qooper.Set(strings.Repeat("x", 201)), Location: qooper.Set(strings.Repeat("x", 201)),
			EmployeeNumber: qooper.Set(strings.Repeat("x", 201)),
		}, false, map[string]string{
			"displayName": qooper.CodeInvalidValue, "jobTitle": qooper.CodeInvalidValue, "department": qooper.CodeInvalidValue,
			"location": qooper.CodeInvalidValue, "employeeNumber": qooper.CodeInvalidValue,
		}},
		{"bad dates", qooper.UserFields{StartDate: qooper.Set("2021-5-4"), TerminationDate: qooper.Set("2023-02-29")}, false,
			map[string]string{"startDate": qooper.CodeInvalidValue, "terminationDate": qooper.CodeInvalidValue}},
		{"empty external id", qooper.UserFields{ExternalID: qooper.Set("")}, false, map[string]string{"externalId": qooper.CodeInvalidValue}},
		{"long external id", qooper.UserFields{ExternalID: qooper.Set(strings.Repeat("9", 256))}, false,
			map[string]string{"externalId": qooper.CodeInvalidValue}},
		{"attribute keys", qooper.UserFields{CustomAttributes: map[string]any{
			"": "x", "a b": "x", "ü": "x", strings.Repeat("k", 65): "x",
		}}, false, map[string]string{
			"customAttributes.": qooper.CodeInvalidValue, "customAttributes.a b": qooper.CodeInvalidValue,
			"customAttributes.ü": qooper.CodeInvalidValue, "customAttributes." + strings.Repeat("k", 65): qooper.CodeInvalidValue,
		}},
		{"attribute values", qooper.UserFields{CustomAttributes: map[string]any{
			"list": []string{"a"}, "object": map[string]any{}, "nan": math.NaN(), "inf": math.Inf(1),
		}}, false, map[string]string{
			"customAttributes.list": qooper.CodeInvalidValue, "customAttributes.object": qooper.CodeInvalidValue,
			"customAttributes.nan": qooper.CodeInvalidValue, "customAttributes.inf": qooper.CodeInvalidValue,
		}},
		{"clear and set attributes", qooper.UserFields{ClearCustomAttributes: true, CustomAttributes: map[string]any{"a": "b"}}, false,
			map[string]string{"customAttributes": qooper.CodeInvalidValue}},
	}
	for _, tt := range tests {
		assertFieldErrors(t, tt.fields.Validate(tt.create), tt.want, tt.name)
	}
}

func TestValidateAttributeCount(t *testing.T) {
	t.Parallel()
	attributes := map[string]any{}
	for i := range 50 {
		attributes["k"+strconv.Itoa(i)] = i
	}
	fifty := qooper.UserFields{CustomAttributes: attributes}
	require.NoError(t, fifty.Validate(false))

	attributes["one_more"] = true
	assertFieldErrors(t, fifty.Validate(false), map[string]string{"customAttributes": qooper.CodeInvalidValue}, "51 keys")
}

func TestValidateMessagesHideValues(t *testing.T) {
	t.Parallel()
	err := qooper.UserFields{Email: qooper.Set("secret.person@nowhere"), StartDate: qooper.Set("secret-date")}.Validate(false)

	require.Error(t, err)
	assert.NotContains(t, err.Error(), "secret")
}

// assertFieldErrors checks that err is a *ValidationError naming exactly
// the fields in want, with their codes.
func assertFieldErrors(t *testing.T, err error, want map[string]string, name string) {
	t.Helper()
	var validationErr *qooper.ValidationError
	require.ErrorAs(t, err, &validationErr, name)
	got := map[string]string{}
	for _, fieldErr := range validationErr.Errors {
		got[fieldErr.Field] = fieldErr.Code
		assert.NotEmpty(t, fieldErr.Message, name)
	}
	assert.Equal(t, want, got, name)
}
