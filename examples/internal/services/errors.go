package services

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/qooper/hrsync/hibob"
	"github.com/qooper/hrsync/mapping"
	"github.com/qooper/hrsync/qooper"
	"github.com/qooper/hrsync/syncer"
)

// Service names, as messages show them.
const (
	HiBob  = "HiBob"
	Qooper = "Qooper"
)

// ServiceError is an error of a call to one service. Describe uses
// Service to name the service and the settings to check, because a network
// error alone does not say which service it came from.
type ServiceError struct {
	Service string
	Err     error
}

func (e *ServiceError) Error() string { return e.Err.Error() }

func (e *ServiceError) Unwrap() error { return e.Err }

// Tag wraps a non-nil err in a *ServiceError for service.
func Tag(service string, err error) error {
	if err == nil {
		return nil
	}
	return &ServiceError{Service: service, Err: err}
}

// hibobSource tags the errors of a HiBob source.
type hibobSource struct {
	syncer.Source
}

func (s *hibobSource) Records(ctx context.Context, fields []string) ([]mapping.Record, error) {
	records, err := s.Source.Records(ctx, fields)
	return records, Tag(HiBob, err)
}

func (s *hibobSource) Record(ctx context.Context, employeeID string, fields []string) (mapping.Record, error) {
	record, err := s.Source.Record(ctx, employeeID, fields)
	return record, Tag(HiBob, err)
}

func (s *hibobSource) Lists(ctx context.Context, names []string) (mapping.Lists, error) {
	lists, err := s.Source.Lists(ctx, names)
	return lists, Tag(HiBob, err)
}

// qooperTarget tags the errors of the reads that make a plan fail. Write
// errors stay as they are, because the engine reports them per change.
type qooperTarget struct {
	syncer.Target
}

func (t *qooperTarget) Users(ctx context.Context) ([]*qooper.User, error) {
	users, err := t.Target.Users(ctx)
	return users, Tag(Qooper, err)
}

// Describe returns a one-line message for an error of a run: what failed,
// where, and which setting to check. It never contains a token, because
// the clients' errors contain none.
func (c *Clients) Describe(err error) string {
	service := ""
	var serviceErr *ServiceError
	var qooperErr *qooper.APIError
	var hibobErr *hibob.APIError
	var hibobDecodeErr *hibob.DecodeError
	switch {
	case errors.As(err, &serviceErr):
		service = serviceErr.Service
	case errors.As(err, &qooperErr):
		service = Qooper
	case errors.As(err, &hibobErr), errors.As(err, &hibobDecodeErr):
		service = HiBob
	}
	return OneLine(c.describe(service, err))
}

func (c *Clients) describe(service string, err error) string {
	if errors.Is(err, context.Canceled) {
		return "interrupted before the run finished"
	}
	baseURL, urlVariable := c.HiBob.BaseURL(), EnvHiBobBaseURL+" or "+EnvHiBobEnvironment
	if service == Qooper {
		baseURL, urlVariable = c.QooperBaseURL, EnvQooperBaseURL
	}

	switch {
	case service == "":
		return err.Error()
	case errors.Is(err, hibob.ErrUnauthorized):
		return fmt.Sprintf("HiBob at %s rejected the service user credentials (401 Unauthorized): check %s and %s, and that the service user belongs to this HiBob environment",
			baseURL, EnvHiBobServiceUserID, EnvHiBobServiceUserToken)
	case errors.Is(err, hibob.ErrForbidden):
		return fmt.Sprintf("HiBob at %s denied access (403 Forbidden): add the service user to a permission group that can read employees, or allow this host's IP address in Bob",
			baseURL)
	case errors.Is(err, qooper.ErrUnauthorized):
		return fmt.Sprintf("Qooper at %s rejected the API token (401 Unauthorized): check %s and %s",
			baseURL, EnvQooperAPIToken, EnvQooperBaseURL)
	case errors.Is(err, qooper.ErrForbidden):
		return fmt.Sprintf("Qooper at %s denied access (403 Forbidden): the token in %s lacks the permission to manage users",
			baseURL, EnvQooperAPIToken)
	case errors.Is(err, hibob.ErrRateLimited), errors.Is(err, qooper.ErrRateLimited):
		return fmt.Sprintf("%s at %s kept answering 429 Too Many Requests after the retries: try again later (%v)", service, baseURL, err)
	case errors.Is(err, hibob.ErrServer), isQooperServerError(err):
		return fmt.Sprintf("%s at %s failed with a server error after the retries: try again later (%v)", service, baseURL, err)
	}

	var netErr net.Error
	if !errors.As(err, &netErr) {
		return fmt.Sprintf("%s at %s failed: %v", service, baseURL, err)
	}
	if netErr.Timeout() {
		return fmt.Sprintf("%s at %s did not respond in time: check %s and the network (%v)", service, baseURL, urlVariable, netErr)
	}
	return fmt.Sprintf("cannot reach %s at %s: %v: check %s and the network", service, baseURL, netErr, urlVariable)
}

func isQooperServerError(err error) bool {
	var apiErr *qooper.APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode >= 500
}

// OneLine joins the lines of a message with "; " and collapses white
// space, so that each error takes one line of output.
func OneLine(message string) string {
	lines := strings.Split(message, "\n")
	nonEmpty := lines[:0]
	for _, line := range lines {
		if line = strings.Join(strings.Fields(line), " "); line != "" {
			nonEmpty = append(nonEmpty, line)
		}
	}
	return strings.Join(nonEmpty, "; ")
}
