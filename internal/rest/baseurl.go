package rest

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// ParseBaseURL parses raw as an API base URL. The scheme must be https,
// except for loopback hosts (127.0.0.0/8, ::1 and localhost), which may use
// http so that tests and local fakes work. User info, a query and a fragment
// are rejected, and a trailing slash is removed. Errors never repeat raw,
// because a token pasted into the wrong variable would then be printed.
func ParseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, fmt.Errorf("invalid base URL: not a URL, want https://host/path")
	}
	if u.Host == "" {
		return nil, fmt.Errorf("invalid base URL: missing scheme or host, want https://host/path")
	}
	if u.User != nil {
		return nil, fmt.Errorf("invalid base URL: user info is not allowed, pass credentials separately")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("invalid base URL for host %s: query and fragment are not allowed", u.Host)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !IsLoopback(u.Hostname()) {
			return nil, fmt.Errorf("invalid base URL for host %s: http is allowed only for loopback hosts, use https", u.Host)
		}
	default:
		return nil, fmt.Errorf("invalid base URL for host %s: scheme must be https", u.Host)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// IsLoopback reports whether host is localhost or a loopback IP address.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
