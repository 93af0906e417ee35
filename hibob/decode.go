package hibob

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/qooper/hrsync/internal/rest"
)

// decodeStream checks that resp carries JSON, hands a json.Decoder that
// keeps numbers as json.Number to decode, and closes the body. Errors
// become a *DecodeError naming the status.
func decodeStream(r *rest.Request, resp *http.Response, decode func(*json.Decoder) error) error {
	defer resp.Body.Close()
	if err := checkJSON(resp); err != nil {
		return newDecodeError(r, resp, err)
	}
	dec := json.NewDecoder(resp.Body)
	dec.UseNumber()
	if err := decode(dec); err != nil {
		if errors.Is(err, io.EOF) {
			err = errEmptyBody
		}
		return newDecodeError(r, resp, err)
	}
	return nil
}

// decodeValue decodes the whole body of resp into a value of type any.
func decodeValue(r *rest.Request, resp *http.Response) (any, error) {
	var value any
	err := decodeStream(r, resp, func(dec *json.Decoder) error {
		return dec.Decode(&value)
	})
	return value, err
}

// checkJSON returns a *rest.DecodeError unless resp has a JSON content
// type. The error quotes at most the first 64 bytes of the first line.
func checkJSON(resp *http.Response) error {
	contentType := resp.Header.Get("Content-Type")
	if rest.IsJSONContentType(contentType) {
		return nil
	}
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 256))
	line := string(snippet)
	if i := strings.IndexAny(line, "\r\n"); i >= 0 {
		line = line[:i]
	}
	if len(line) > 64 {
		line = line[:64]
	}
	return &rest.DecodeError{
		StatusCode:  resp.StatusCode,
		ContentType: contentType,
		Err:         fmt.Errorf("unexpected content type, body starts %q", line),
	}
}

// expectDelim reads the next token and checks that it is want.
func expectDelim(dec *json.Decoder, want json.Delim) error {
	token, err := dec.Token()
	if err != nil {
		return err
	}
	if delim, ok := token.(json.Delim); !ok || delim != want {
		return fmt.Errorf("got %v, want %q", token, want)
	}
	return nil
}

// decodeObjectStream reads one JSON object key by key. For each key it
// calls field, which must consume the value. Keys for which field returns
// false have their value skipped.
func decodeObjectStream(dec *json.Decoder, field func(key string) (bool, error)) error {
	if err := expectDelim(dec, '{'); err != nil {
		return err
	}
	for dec.More() {
		token, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := token.(string)
		handled, err := field(key)
		if err != nil {
			return err
		}
		if !handled {
			var skipped json.RawMessage
			if err := dec.Decode(&skipped); err != nil {
				return err
			}
		}
	}
	return expectDelim(dec, '}')
}

// asObject returns value as a JSON object.
func asObject(value any) (map[string]any, bool) {
	m, ok := value.(map[string]any)
	return m, ok
}

// asBool reads a JSON boolean, tolerating the strings "true" and "false".
func asBool(value any) bool {
	switch v := value.(type) {
	case bool:
		return v
	case string:
		return strings.EqualFold(v, "true")
	}
	return false
}
