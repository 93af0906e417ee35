package mapping

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFormatNumber(t *testing.T) {
	tests := []struct {
		input   any
		want    string
		wantErr error
	}{
		{input: json.Number("10"), want: "10"},
		{input: json.Number("-7"), want: "-7"},
		{input: json.Number("-0"), want: "0"},
		{input: json.Number("10.0"), want: "10"},
		{input: json.Number("1.5e6"), want: "1500000"},
		{input: json.Number("1E+21"), want: "1000000000000000000000"},
		{input: json.Number("2.5e-3"), want: "0.0025"},
		{input: json.Number("12345678901234567890123"), want: "12345678901234567890123"},
		{input: 10.0, want: "10"},
		{input: 1.5e6, want: "1500000"},
		{input: 1e21, want: "1000000000000000000000"},
		{input: math.Copysign(0, -1), want: "0"},
		{input: float32(0.1), want: "0.1"},
		{input: 42, want: "42"},
		{input: int64(-42), want: "-42"},
		{input: uint8(7), want: "7"},
		{input: json.Number("1e999"), wantErr: ErrInvalidNumber},
		{input: json.Number("0x10"), wantErr: ErrInvalidNumber},
		{input: json.Number("NaN"), wantErr: ErrInvalidNumber},
		{input: json.Number(""), wantErr: ErrInvalidNumber},
		{input: json.Number("01"), wantErr: ErrInvalidNumber},
		{input: math.Inf(1), wantErr: ErrInvalidNumber},
		{input: math.NaN(), wantErr: ErrInvalidNumber},
		{input: "10", wantErr: ErrInvalidType},
	}
	for _, tt := range tests {
		got, err := formatNumber(tt.input)

		if tt.wantErr != nil {
			assert.ErrorIs(t, err, tt.wantErr, "formatNumber(%#v)", tt.input)
			continue
		}
		if assert.NoError(t, err, "formatNumber(%#v)", tt.input) {
			assert.Equal(t, tt.want, got, "formatNumber(%#v)", tt.input)
		}
	}
}

func TestParseCivilDateIgnoresLocalZone(t *testing.T) {
	saved := time.Local
	t.Cleanup(func() { time.Local = saved })
	time.Local = time.FixedZone("UTC+14", 14*60*60)

	for _, input := range []string{"2023-05-19", "2023-05-19T11:13:40.175639", "2023-05-19T00:00:00Z", "2023-05-19T23:59:59-12:00"} {
		d, err := parseCivilDate(input)
		require.NoError(t, err, input)

		assert.Equal(t, "2023-05-19", d.format(civilDateLayout), input)
		assert.Equal(t, "Friday 19 May 2023", d.format("Monday 2 January 2006"), input)
	}
}

func TestParseCivilDateRejects(t *testing.T) {
	for _, input := range []string{
		"", "2023", "2023-5-19", "2023/05/19", "19/05/2023", "05/19/2023", "2023-00-10", "2023-04-31",
		"2023-05-19T", "2023-05-19Tx", "2023-05-19T10:00 CET", "2023-05-19 ", "+2023-05-19", "２０２３-05-19",
	} {
		_, err := parseCivilDate(input)

		assert.ErrorIs(t, err, ErrInvalidDate, "parseCivilDate(%q)", input)
	}
}

func TestCleanText(t *testing.T) {
	tests := []struct{ input, want string }{
		{"  Ada  ", "Ada"},
		{"Ada\tKing", "Ada King"},
		{"line\r\nbreak", "line  break"},
		{"bell\a", "bell"},
		{"c1\u0085control", "c1 control"},
		{"bad\xffbyte", "bad\uFFFDbyte"},
		{"Zoë", "Zoë"},
		{"\u00a0nbsp\u00a0", "nbsp"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, cleanText(tt.input), "cleanText(%q)", tt.input)
	}
}

func TestFinalize(t *testing.T) {
	tests := []struct {
		name    string
		kind    targetKind
		input   any
		want    any
		wantErr error
	}{
		{name: "text trimmed", kind: kindText, input: " a ", want: "a"},
		{name: "text blank is null", kind: kindText, input: " \t", want: nil},
		{name: "text control characters", kind: kindText, input: "a\nb", want: "a b"},
		{name: "text rejects number", kind: kindText, input: json.Number("1"), wantErr: ErrInvalidType},
		{name: "text rejects boolean", kind: kindText, input: true, wantErr: ErrInvalidType},
		{name: "text rejects object", kind: kindText, input: map[string]any{}, wantErr: ErrInvalidType},
		{name: "text rejects array", kind: kindText, input: []any{"a"}, wantErr: ErrInvalidType},
		{name: "id renders number", kind: kindID, input: json.Number("3332883884017713938"), want: "3332883884017713938"},
		{name: "id rejects boolean", kind: kindID, input: false, wantErr: ErrInvalidType},
		{name: "date keeps day", kind: kindDate, input: "2023-05-19T11:13:40", want: "2023-05-19"},
		{name: "date rejects other layout", kind: kindDate, input: "19.05.2023", wantErr: ErrInvalidDate},
		{name: "status active", kind: kindStatus, input: "active", want: "active"},
		{name: "status other", kind: kindStatus, input: "Active", wantErr: ErrInvalidValue},
		{name: "custom number", kind: kindCustom, input: json.Number("1.5e6"), want: 1.5e6},
		{name: "custom int", kind: kindCustom, input: 3, want: 3.0},
		{name: "custom boolean", kind: kindCustom, input: true, want: true},
		{name: "custom text", kind: kindCustom, input: " R&D ", want: "R&D"},
		{name: "custom infinite", kind: kindCustom, input: json.Number("1e400"), wantErr: ErrInvalidNumber},
		{name: "custom object", kind: kindCustom, input: map[string]any{}, wantErr: ErrInvalidType},
		{name: "unknown Go type", kind: kindCustom, input: time.Time{}, wantErr: ErrInvalidType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := finalize(tt.kind, tt.input)

			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("finalize mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestIsJSONNumber(t *testing.T) {
	for _, s := range []string{"0", "-0", "10", "1.5", "1e5", "1E-5", "-1.5e+10"} {
		assert.True(t, isJSONNumber(s), s)
	}
	for _, s := range []string{"", "-", "01", "1.", ".5", "1e", "+1", "1e+", "Inf", "0x1", "1_000", " 1"} {
		assert.False(t, isJSONNumber(s), s)
	}
}
func TestDaysInMatchesTime(t *testing.T) {
	for year := 1; year <= 2500; year++ {
		for month := time.January; month <= time.December; month++ {
			want := time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC).Day()
			if got := daysIn(month, year); got != want {
				t.Fatalf("daysIn(%v, %d) = %d, want %d", month, year, got, want)
			}
		}
	}
}
