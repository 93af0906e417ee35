package main

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qooper/hrsync/examples/internal/services"
	"github.com/qooper/hrsync/hibob"
	"github.com/qooper/hrsync/hibob/hibobtest"
)

// envOf returns an environment with exactly the given variables set.
func envOf(values map[string]string) services.Env {
	return func(name string) (string, bool) {
		value, ok := values[name]
		return value, ok
	}
}

func TestParseSettingsErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown flag", []string{"-port", "80"}, "-port"},
		{"relative path", []string{"-path", "hook"}, `invalid -path "hook"`},
		{"pattern path", []string{"-path", "/{id}"}, `invalid -path "/{id}"`},
		{"empty queue", []string{"-max-queue", "0"}, "-max-queue"},
		{"negative timeout", []string{"-shutdown-timeout", "-1s"}, "-shutdown-timeout"},
		{"argument", []string{"serve"}, `unexpected argument "serve"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseSettings(tt.args, &bytes.Buffer{})

			var usageErr *services.UsageError
			require.ErrorAs(t, err, &usageErr)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestParseSettingsDefaultListensOnLoopback(t *testing.T) {
	cfg, err := parseSettings(nil, &bytes.Buffer{})

	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:8080", cfg.listen)
	assert.Equal(t, "/hibob/webhook", cfg.path)
}

func TestRunLiveNeedsSecret(t *testing.T) {
	var stderr bytes.Buffer
	env := envOf(map[string]string{
		services.EnvHiBobServiceUserID:    "SERVICE-42",
		services.EnvHiBobServiceUserToken: "hibob-token-secret",
		services.EnvQooperBaseURL:         "https://api.qooper.example.com/v1",
		services.EnvQooperAPIToken:        "qooper-token-secret",
	})

	code := run(context.Background(), []string{"-listen", "127.0.0.1:0"}, env, &stderr, nil)

	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr.String(), envWebhookSecret)
	assert.NotContains(t, stderr.String(), "token-secret")
}

func TestRunDemoReceivesAndSyncs(t *testing.T) {
	logs := &lockedBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	done := make(chan int, 1)
	secret := "demo-secret-for-tests"
	env := envOf(map[string]string{envWebhookSecret: secret})

	go func() { done <- run(ctx, []string{"-listen", "127.0.0.1:0"}, env, logs, ready) }()
	url := receive(t, ready, "the receiver to listen")
	assert.True(t, strings.HasPrefix(url, "http://127.0.0.1:"), "url %s", url)

	unsigned := []byte(`{"type": "employee.updated", "data": {"employeeId": "1"}}`)
	resp := post(t, url, unsigned, "")
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	require.NoError(t, hibobtest.SendWebhook(t.Context(), url, []byte(secret), hibobtest.PingEvent))
	body := eventBody(t, hibob.EventEmployeeUpdated, "3332883804594373380")
	resp = post(t, url, body, hibob.SignWebhook([]byte(secret), body))
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	require.Eventually(t, func() bool { return strings.Contains(logs.String(), `msg="employee synced"`) },
		guardTimeout, 10*time.Millisecond, "no employee was synced:\n%s", logs.String())

	cancel()
	assert.Equal(t, exitOK, receive(t, done, "the receiver to stop"))
	output := logs.String()
	assert.Contains(t, output, "receiving HiBob webhooks")
	assert.Contains(t, output, "missing or invalid Bob-Signature")
	assert.Contains(t, output, "webhook ping received")
	assert.Contains(t, output, `msg=stopped`)
	assert.NotContains(t, output, secret)
	assert.NotContains(t, output, "qoopertest-token")
}
