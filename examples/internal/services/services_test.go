package services

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qooper/hrsync/hibob"
)

// envOf returns an environment with exactly the given variables set.
func envOf(values map[string]string) Env {
	return func(name string) (string, bool) {
		value, ok := values[name]
		return value, ok
	}
}

func liveEnv() map[string]string {
	return map[string]string{
		EnvHiBobServiceUserID:    "SERVICE-42",
		EnvHiBobServiceUserToken: "hibob-token-secret",
		EnvQooperBaseURL:         "https://api.qooper.example.com/v1",
		EnvQooperAPIToken:        "qooper-token-secret",
	}
}

func TestIsLive(t *testing.T) {
	assert.False(t, IsLive(envOf(nil)))
	assert.True(t, IsLive(envOf(map[string]string{EnvQooperAPIToken: ""})), "a variable set to an empty value starts live mode")
	assert.False(t, IsLive(envOf(map[string]string{"HIBOB_WEBHOOK_SECRET": "x"})))
	for _, name := range LiveVariables {
		assert.True(t, IsLive(envOf(map[string]string{name: "x"})), name)
	}
}

func TestConfigFromEnvDefaults(t *testing.T) {
	cfg, err := ConfigFromEnv(envOf(liveEnv()))

	require.NoError(t, err)
	assert.Equal(t, hibob.ProductionBaseURL, cfg.HiBobBaseURL)
	assert.Equal(t, "SERVICE-42", cfg.HiBobCredentials.ServiceUserID)
	assert.Equal(t, "hibob-token-secret", cfg.HiBobCredentials.Token)
	assert.Equal(t, "https://api.qooper.example.com/v1", cfg.QooperBaseURL)
	assert.Equal(t, Secret("qooper-token-secret"), cfg.QooperToken)
}

func TestConfigFromEnvSandboxAndOverride(t *testing.T) {
	env := liveEnv()
	env[EnvHiBobEnvironment] = " Sandbox "
	cfg, err := ConfigFromEnv(envOf(env))
	require.NoError(t, err)
	assert.Equal(t, hibob.SandboxBaseURL, cfg.HiBobBaseURL)

	env[EnvHiBobBaseURL] = "https://hibob.proxy.example.com/v1"
	cfg, err = ConfigFromEnv(envOf(env))
	require.NoError(t, err)
	assert.Equal(t, "https://hibob.proxy.example.com/v1", cfg.HiBobBaseURL)
}

func TestConfigFromEnvErrors(t *testing.T) {
	tests := []struct {
		name   string
		change func(env map[string]string)
		want   []string
	}{
		{"missing one", func(env map[string]string) { delete(env, EnvQooperAPIToken) },
			[]string{"missing environment variable " + EnvQooperAPIToken}},
		{"missing two", func(env map[string]string) { delete(env, EnvHiBobServiceUserID); env[EnvQooperBaseURL] = "" },
			[]string{"missing environment variables " + EnvHiBobServiceUserID + ", " + EnvQooperBaseURL}},
		{"unknown environment", func(env map[string]string) { env[EnvHiBobEnvironment] = "staging" },
			[]string{"invalid HIBOB_ENVIRONMENT, use"}},
		{"both", func(env map[string]string) { delete(env, EnvHiBobServiceUserToken); env[EnvHiBobEnvironment] = "prod" },
			[]string{EnvHiBobServiceUserToken, "invalid HIBOB_ENVIRONMENT, use"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := liveEnv()
			tt.change(env)

			_, err := ConfigFromEnv(envOf(env))

			var usageErr *UsageError
			require.ErrorAs(t, err, &usageErr)
			for _, want := range tt.want {
				assert.Contains(t, err.Error(), want)
			}
			assert.NotContains(t, err.Error(), "token-secret")
			assert.NotContains(t, err.Error(), env[EnvHiBobEnvironment]+`"`, "the environment value is not repeated")
		})
	}
}

func TestConfigPrintsNoToken(t *testing.T) {
	cfg, err := ConfigFromEnv(envOf(liveEnv()))
	require.NoError(t, err)

	var logs bytes.Buffer
	slog.New(slog.NewTextHandler(&logs, nil)).Info("config", "config", cfg, "token", cfg.QooperToken)
	for _, printed := range []string{
		fmt.Sprintf("%v", cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg), fmt.Sprintf("%s", cfg.QooperToken),
		logs.String(),
	} {
		assert.NotContains(t, printed, "token-secret")
	}
}

func TestConnectRejectsInsecureURL(t *testing.T) {
	env := liveEnv()
	env[EnvQooperBaseURL] = "http://api.qooper.example.com/v1"
	cfg, err := ConfigFromEnv(envOf(env))
	require.NoError(t, err)

	_, err = Connect(cfg, slog.New(slog.DiscardHandler), nil, nil)

	var usageErr *UsageError
	require.ErrorAs(t, err, &usageErr)
	assert.Contains(t, err.Error(), EnvQooperBaseURL)
}

func TestOneLine(t *testing.T) {
	assert.Equal(t, "a; b c; d", OneLine("a\n\n  b   c\nd\n"))
	assert.Equal(t, "plain", OneLine("plain"))
}

func TestDescribeNamesService(t *testing.T) {
	env := liveEnv()
	cfg, err := ConfigFromEnv(envOf(env))
	require.NoError(t, err)
	clients, err := Connect(cfg, slog.New(slog.DiscardHandler), nil, nil)
	require.NoError(t, err)

	message := clients.Describe(Tag(HiBob, fmt.Errorf("read: %w", errors.New("boom"))))
	assert.Equal(t, "HiBob at "+hibob.ProductionBaseURL+" failed: read: boom", message)
	assert.Equal(t, "plain; failure", clients.Describe(errors.New("plain\nfailure")))
}

func TestFixEmailsMakesAddressesUnique(t *testing.T) {
	demo, _, err := StartDemo(time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	defer demo.Close()

	changes := demo.FixEmails()

	assert.NotEmpty(t, changes, "the sample company has an employee without an e-mail address and a shared one")
	seen := map[string]bool{}
	for _, person := range demo.Company.People {
		require.NotEmpty(t, person.Email, "employee %s", person.ID)
		key := strings.ToLower(person.Email)
		assert.False(t, seen[key], "address %s is shared", person.Email)
		seen[key] = true
	}
	assert.Empty(t, demo.FixEmails(), "a second call changes nothing")
	record, ok := demo.HiBob.Employee(changes[0].EmployeeID)
	require.True(t, ok)
	assert.NotEmpty(t, record["email"], "the fake HiBob serves the new address")
}
