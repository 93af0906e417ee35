package hibob

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
)

// redacted replaces secret values wherever Credentials are printed.
const redacted = "[REDACTED]"

// Credentials identify a HiBob service user. HiBob authenticates a request
// with HTTP Basic, the service user ID as the user name and the token as
// the password.
//
// Credentials redact the token and the partner token in String, GoString,
// LogValue and MarshalJSON, so printing, logging or encoding them never
// shows a secret.
type Credentials struct {
	// ServiceUserID is the ID of the service user, shown in Bob when the
	// service user is created.
	ServiceUserID string
	// Token is the service user's token. Bob shows it only once.
	Token string
	// PartnerToken is sent only when WithPartnerTokenHeader names the
	// header to send it in, because HiBob's published API reference
	// documents no such header.
	PartnerToken string
}

func (c Credentials) validate() error {
	switch {
	case c.ServiceUserID == "":
		return errors.New("hibob: Credentials.ServiceUserID is empty, set the service user ID from Bob")
	case c.Token == "":
		return errors.New("hibob: Credentials.Token is empty, set the service user token from Bob")
	}
	return nil
}

// authorizer returns the function that adds the authentication headers to
// a request. The encoded Authorization value lives only in the closure.
func (c Credentials) authorizer(partnerHeader string) func(http.Header) {
	authorization := "Basic " + base64.StdEncoding.EncodeToString([]byte(c.ServiceUserID+":"+c.Token))
	partnerToken := c.PartnerToken
	return func(h http.Header) {
		h.Set("Authorization", authorization)
		if partnerHeader != "" {
			h.Set(partnerHeader, partnerToken)
		}
	}
}

func mask(secret string) string {
	if secret == "" {
		return ""
	}
	return redacted
}

// String shows the service user ID and hides the tokens.
func (c Credentials) String() string {
	return fmt.Sprintf("hibob.Credentials{ServiceUserID: %q, Token: %q, PartnerToken: %q}",
		c.ServiceUserID, mask(c.Token), mask(c.PartnerToken))
}

// GoString is String, so that %#v hides the tokens too.
func (c Credentials) GoString() string { return c.String() }

// Format prints String for every verb, so that %+v and %x hide the tokens.
func (c Credentials) Format(f fmt.State, _ rune) {
	_, _ = f.Write([]byte(c.String()))
}

// LogValue hides the tokens when Credentials are logged with log/slog.
func (c Credentials) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("service_user_id", c.ServiceUserID),
		slog.String("token", mask(c.Token)),
		slog.String("partner_token", mask(c.PartnerToken)),
	)
}

// MarshalJSON encodes the service user ID and hides the tokens, so the
// encoding cannot be decoded back into working credentials.
func (c Credentials) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		ServiceUserID string `json:"serviceUserId"`
		Token         string `json:"token,omitempty"`
		PartnerToken  string `json:"partnerToken,omitempty"`
	}{c.ServiceUserID, mask(c.Token), mask(c.PartnerToken)})
}
