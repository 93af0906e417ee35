package mapping

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// civilDateLayout is the Go layout of a civil date, the format of HiBob date
// fields and of Qooper's startDate and terminationDate.
const civilDateLayout = "2006-01-02"

// known returns a known Value.
func known(v any) Value { return Value{Known: true, V: v} }

// typeName names the JSON type of v for error messages.
func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "text"
	case bool:
		return "boolean"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	}
	if isNumber(v) {
		return "number"
	}
	return fmt.Sprintf("Go type %T", v)
}

// isNumber reports whether v is a json.Number or a Go number type.
func isNumber(v any) bool {
	switch v.(type) {
	case json.Number, float64, float32, int, int8, int16, int32, int64,
		uint, uint8, uint16, uint32, uint64:
		return true
	}
	return false
}

// isScalar reports whether v is null, text, a boolean or a number.
func isScalar(v any) bool {
	switch v.(type) {
	case nil, string, bool:
		return true
	}
	return isNumber(v)
}

// formatNumber renders a number in plain decimal notation, without an
// exponent: json.Number("1.5e6") is "1500000" and 10.0 is "10". A JSON
// integer literal is returned as it is, so that long ids keep every digit.
func formatNumber(v any) (string, error) {
	switch n := v.(type) {
	case json.Number:
		return formatJSONNumber(string(n))
	case float64:
		return formatFloat(n, 64)
	case float32:
		return formatFloat(float64(n), 32)
	case int:
		return strconv.Itoa(n), nil
	case int8:
		return strconv.FormatInt(int64(n), 10), nil
	case int16:
		return strconv.FormatInt(int64(n), 10), nil
	case int32:
		return strconv.FormatInt(int64(n), 10), nil
	case int64:
		return strconv.FormatInt(n, 10), nil
	case uint:
		return strconv.FormatUint(uint64(n), 10), nil
	case uint8:
		return strconv.FormatUint(uint64(n), 10), nil
	case uint16:
		return strconv.FormatUint(uint64(n), 10), nil
	case uint32:
		return strconv.FormatUint(uint64(n), 10), nil
	case uint64:
		return strconv.FormatUint(n, 10), nil
	}
	return "", invalidType(v, "number")
}

func formatJSONNumber(s string) (string, error) {
	if !isJSONNumber(s) {
		return "", fmt.Errorf("%w: not a JSON number", ErrInvalidNumber)
	}
	if isJSONInteger(s) {
		if s == "-0" {
			return "0", nil
		}
		return s, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return "", fmt.Errorf("%w: out of range", ErrInvalidNumber)
	}
	return formatFloat(f, 64)
}

func formatFloat(f float64, bitSize int) (string, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "", fmt.Errorf("%w: NaN or infinite", ErrInvalidNumber)
	}
	if f == 0 {
		return "0", nil // also for negative zero
	}
	return strconv.FormatFloat(f, 'f', -1, bitSize), nil
}

// toFloat converts a number to float64, the number type of custom
// attributes.
//
// NOTE: integers beyond 2^53 lose precision. Render them as text (the text
// transform) to keep every digit.
func toFloat(v any) (float64, error) {
	var f float64
	switch n := v.(type) {
	case json.Number:
		if !isJSONNumber(string(n)) {
			return 0, fmt.Errorf("%w: not a JSON number", ErrInvalidNumber)
		}
		var err error
		f, err = strconv.ParseFloat(string(n), 64)
		if err != nil {
			return 0, fmt.Errorf("%w: out of range", ErrInvalidNumber)
		}
	case float64:
		f = n
	case float32:
		f = float64(n)
	case int:
		f = float64(n)
	case int8:
		f = float64(n)
	case int16:
		f = float64(n)
	case int32:
		f = float64(n)
	case int64:
		f = float64(n)
	case uint:
		f = float64(n)
	case uint8:
		f = float64(n)
	case uint16:
		f = float64(n)
	case uint32:
		f = float64(n)
	case uint64:
		f = float64(n)
	default:
		return 0, invalidType(v, "number")
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("%w: NaN or infinite", ErrInvalidNumber)
	}
	return f, nil
}

// isJSONNumber reports whether s is a number literal as JSON (RFC 8259)
// defines it.
func isJSONNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		start := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		if i == start {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		start := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		if i == start {
			return false
		}
	}
	return i == len(s)
}

// isJSONInteger reports whether the JSON number literal s has neither a
// fraction nor an exponent.
func isJSONInteger(s string) bool {
	return !strings.ContainsAny(s, ".eE")
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// scalarText renders a scalar as text: numbers in plain decimal notation,
// booleans as "true" or "false" and null as "". Objects and arrays are an
// ErrInvalidType error.
func scalarText(v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "", nil
	case string:
		return x, nil
	case bool:
		return strconv.FormatBool(x), nil
	}
	if isNumber(v) {
		return formatNumber(v)
	}
	return "", invalidType(v, "text, number or boolean")
}

// civilDate is a calendar date without a time zone.
type civilDate struct {
	year  int
	month time.Month
	day   int
}

// parseCivilDate reads the calendar date at the start of s literally, with
// no time zone conversion. s is "YYYY-MM-DD", optionally followed by "T" or
// a space and a time, which is ignored: "2023-05-19T23:30:00-05:00" is
// 2023-05-19. Human-readable forms such as "19/05/2023" are rejected,
// because their order depends on the HiBob user's settings.
func parseCivilDate(s string) (civilDate, error) {
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return civilDate{}, fmt.Errorf("%w: want YYYY-MM-DD", ErrInvalidDate)
	}
	year, okYear := parseDigits(s[0:4])
	month, okMonth := parseDigits(s[5:7])
	day, okDay := parseDigits(s[8:10])
	if !okYear || !okMonth || !okDay || year < 1 || month < 1 || month > 12 || day < 1 ||
		day > daysIn(time.Month(month), year) {
		return civilDate{}, fmt.Errorf("%w: want YYYY-MM-DD", ErrInvalidDate)
	}
	if len(s) > 10 && !isTimeSuffix(s[10:]) {
		return civilDate{}, fmt.Errorf("%w: unexpected text after YYYY-MM-DD", ErrInvalidDate)
	}
	return civilDate{year: year, month: time.Month(month), day: day}, nil
}

// isTimeSuffix reports whether s looks like the time part of an ISO 8601
// timestamp: "T" or a space, then a digit, then digits and ":.+-Z" only.
func isTimeSuffix(s string) bool {
	if len(s) < 2 || (s[0] != 'T' && s[0] != ' ') || !isDigit(s[1]) {
		return false
	}
	for i := 2; i < len(s); i++ {
		c := s[i]
		if !isDigit(c) && c != ':' && c != '.' && c != '+' && c != '-' && c != 'Z' {
			return false
		}
	}
	return true
}

func parseDigits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// daysIn returns the number of days in a month of the proleptic Gregorian
// calendar.
func daysIn(month time.Month, year int) int {
	switch month {
	case time.February:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// format renders the date with a Go time layout. The date is placed at
// midnight UTC, so the machine's time zone never shifts it.
func (d civilDate) format(layout string) string {
	return time.Date(d.year, d.month, d.day, 0, 0, 0, 0, time.UTC).Format(layout)
}

// cleanText replaces control characters with spaces and invalid UTF-8 with
// U+FFFD, then trims surrounding white space. It returns s itself when
// nothing changes.
func cleanText(s string) string {
	plain := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			plain = false
			break
		}
	}
	if plain {
		return strings.TrimSpace(s)
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		s = strings.Map(replaceControl, s)
	}
	return strings.TrimSpace(s)
}

func replaceControl(r rune) rune {
	if unicode.IsControl(r) {
		return ' '
	}
	return r
}

// collapseSpace trims s and replaces each inner run of white space and
// control characters with one space. It returns s itself when nothing
// changes.
func collapseSpace(s string) string {
	s = strings.TrimFunc(s, isSpaceOrControl)
	if !needsCollapse(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if isSpaceOrControl(r) {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isSpaceOrControl(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }

// needsCollapse reports whether the trimmed s has white space or control
// characters other than single spaces.
func needsCollapse(s string) bool {
	previousSpace := false
	for _, r := range s {
		if !isSpaceOrControl(r) {
			previousSpace = false
			continue
		}
		if r != ' ' || previousSpace {
			return true
		}
		previousSpace = true
	}
	return false
}

// isBlank reports whether v is null or text that is empty or only white
// space.
func isBlank(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(x) == ""
	}
	return false
}
