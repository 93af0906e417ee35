// Package services connects the example commands to HiBob and Qooper: to
// the real services through environment variables, or to in-process fakes
// seeded with a sample company when none of those variables is set.
package services

import (
	"fmt"
	"log/slog"
	"strings"

	"github.com/qooper/hrsync/hibob"
	"github.com/qooper/hrsync/mapping"
	"github.com/qooper/hrsync/qooper"
	"github.com/qooper/hrsync/syncer"
)

// Environment variables that configure the connection to the real services.
const (
	EnvHiBobServiceUserID    = "HIBOB_SERVICE_USER_ID"
	EnvHiBobServiceUserToken = "HIBOB_SERVICE_USER_TOKEN"
	// EnvHiBobEnvironment is "production" (the default) or "sandbox".
	EnvHiBobEnvironment = "HIBOB_ENVIRONMENT"
	// EnvHiBobBaseURL overrides the base URL of EnvHiBobEnvironment.
	EnvHiBobBaseURL   = "HIBOB_BASE_URL"
	EnvQooperBaseURL  = "QOOPER_BASE_URL"
	EnvQooperAPIToken = "QOOPER_API_TOKEN"
)

// LiveVariables lists the variables that select the real services. Setting
// any of them to a non-empty value starts live mode.
var LiveVariables = []string{
	EnvHiBobServiceUserID,
	EnvHiBobServiceUserToken,
	EnvHiBobEnvironment,
	EnvHiBobBaseURL,
	EnvQooperBaseURL,
	EnvQooperAPIToken,
}

// requiredVariables are the live variables without a default.
var requiredVariables = []string{
	EnvHiBobServiceUserID,
	EnvHiBobServiceUserToken,
	EnvQooperBaseURL,
	EnvQooperAPIToken,
}

// UsageError is an invalid or missing setting: a flag, an environment
// variable or a file named by a flag. Commands exit with status 2 on it.
type UsageError struct {
	Message string
}

func (e *UsageError) Error() string { return e.Message }

// Usagef returns a *UsageError with a formatted message.
func Usagef(format string, args ...any) error {
	return &UsageError{Message: fmt.Sprintf(format, args...)}
}

// Env looks up an environment variable, as os.LookupEnv does.
type Env func(name string) (value string, ok bool)

// Get returns the value of a variable, or "" when it is not set.
func (e Env) Get(name string) string {
	value, _ := e(name)
	return value
}

// IsLive reports whether any of LiveVariables is set, even to an empty
// value: a job whose secrets were left empty must fail on the missing
// variables rather than run the demo and succeed.
func IsLive(env Env) bool {
	for _, name := range LiveVariables {
		if _, ok := env(name); ok {
			return true
		}
	}
	return false
}

// Secret is a token that prints as [REDACTED] with every fmt verb and in
// log/slog, so that printing a struct that contains one shows no token.
// fmt calls Format only on exported fields, so keep a Secret in one.
type Secret string

// Format writes [REDACTED] whatever the verb.
func (Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte("[REDACTED]")) }

// LogValue hides the token from log/slog.
func (Secret) LogValue() slog.Value { return slog.StringValue("[REDACTED]") }

// Config is the live configuration read from the environment.
type Config struct {
	HiBobCredentials hibob.Credentials
	// HiBobBaseURL is HIBOB_BASE_URL, or the base URL of HIBOB_ENVIRONMENT.
	HiBobBaseURL  string
	QooperBaseURL string
	QooperToken   Secret
}

// ConfigFromEnv reads the live configuration. Values are trimmed of
// surrounding white space. Missing required variables and an unknown
// HIBOB_ENVIRONMENT are a *UsageError that names the variables to fix.
func ConfigFromEnv(env Env) (*Config, error) {
	value := func(name string) string { return strings.TrimSpace(env.Get(name)) }

	var problems []string
	var missing []string
	for _, name := range requiredVariables {
		if value(name) == "" {
			missing = append(missing, name)
		}
	}
	switch len(missing) {
	case 0:
	case 1:
		problems = append(problems, "missing environment variable "+missing[0])
	default:
		problems = append(problems, "missing environment variables "+strings.Join(missing, ", "))
	}

	environment := hibob.Production
	if name := value(EnvHiBobEnvironment); name != "" {
		parsed, err := hibob.ParseEnvironment(name)
		if err != nil {
			// The value is not repeated: it may be a token set in the
			// wrong variable.
			problems = append(problems, fmt.Sprintf("invalid %s, use %q or %q", EnvHiBobEnvironment, hibob.Production, hibob.Sandbox))
		}
		environment = parsed
	}
	if len(problems) > 0 {
		return nil, Usagef("%s: fix them for live mode, or unset all of "+strings.Join(LiveVariables, ", ")+" to run the demo",
			strings.Join(problems, "; "))
	}

	baseURL := value(EnvHiBobBaseURL)
	if baseURL == "" {
		var err error
		if baseURL, err = environment.BaseURL(); err != nil {
			return nil, Usagef("invalid %s: %v", EnvHiBobEnvironment, err)
		}
	}

	return &Config{
		HiBobCredentials: hibob.Credentials{
			ServiceUserID: value(EnvHiBobServiceUserID),
			Token:         value(EnvHiBobServiceUserToken),
		},
		HiBobBaseURL:  baseURL,
		QooperBaseURL: value(EnvQooperBaseURL),
		QooperToken:   Secret(value(EnvQooperAPIToken)),
	}, nil
}

// Clients are the two API clients that a sync needs.
type Clients struct {
	HiBob  *hibob.Client
	Qooper *qooper.Client
	// QooperBaseURL is the Qooper API base URL, for error messages.
	QooperBaseURL string
}

// Connect builds the clients of cfg. It sends no request, so wrong
// credentials show up on the first call. An invalid base URL is a
// *UsageError that names its variable.
func Connect(cfg *Config, logger *slog.Logger, hibobOptions []hibob.Option, qooperOptions []qooper.Option) (*Clients, error) {
	hibobOptions = append([]hibob.Option{hibob.WithBaseURL(cfg.HiBobBaseURL), hibob.WithLogger(logger)}, hibobOptions...)
	hibobClient, err := hibob.NewClient(cfg.HiBobCredentials, hibobOptions...)
	if err != nil {
		return nil, Usagef("invalid %s: %v", EnvHiBobBaseURL, err)
	}

	qooperOptions = append([]qooper.Option{qooper.WithLogger(logger)}, qooperOptions...)
	qooperClient, err := qooper.NewClient(cfg.QooperBaseURL, string(cfg.QooperToken), qooperOptions...)
	if err != nil {
		return nil, Usagef("invalid %s: %v", EnvQooperBaseURL, err)
	}
	return &Clients{HiBob: hibobClient, Qooper: qooperClient, QooperBaseURL: cfg.QooperBaseURL}, nil
}

// NewSyncer returns a Syncer from HiBob to Qooper whose read errors name
// the service that failed, for Describe.
func (c *Clients) NewSyncer(mapper mapping.Mapper, opts ...syncer.Option) (*syncer.Syncer, error) {
	source := &hibobSource{Source: syncer.NewHiBobSource(c.HiBob)}
	target := &qooperTarget{Target: syncer.NewQooperTarget(c.Qooper)}
	return syncer.New(source, target, mapper, opts...)
}
