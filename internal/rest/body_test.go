package rest

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecodeJSONRejectsBodyOverCap(t *testing.T) {
	t.Parallel()
	const limit = 1024
	tests := []struct {
		name    string
		body    string
		wantErr bool
	}{
		{"exactly the cap", `{"name":"` + strings.Repeat("a", limit-11) + `"}`, false},
		{"one byte over", `{"name":"` + strings.Repeat("a", limit-10) + `"}`, true},
		{"far over", `{"name":"` + strings.Repeat("a", 64*limit) + `"}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(tt.body))
			}))
			defer server.Close()
			client := newTestClient(t, server.URL, server.Client())
			client.cfg.MaxBodyBytes = limit

			resp, err := client.Do(t.Context(), &Request{Method: http.MethodGet, Path: "/x"})
			require.NoError(t, err)
			var got map[string]string
			err = DecodeJSON(resp, &got)

			if !tt.wantErr {
				require.NoError(t, err)
				assert.Len(t, got["name"], limit-11)
				return
			}
			assert.True(t, errors.Is(err, ErrBodyTooLarge), "got %v", err)
			var decodeErr *DecodeError
			require.ErrorAs(t, err, &decodeErr)
			assert.Equal(t, http.StatusOK, decodeErr.StatusCode)
		})
	}
}
