package qoopertest

import (
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"strconv"

	"github.com/qooper/hrsync/qooper"
)

// problemTypeBase prefixes the code in a problem's type URI.
const problemTypeBase = "https://docs.example-qooper.test/errors/"

// outcome is the result of one user operation, before it becomes a single
// response or a bulk result.
type outcome struct {
	status  int
	user    *qooper.User
	problem *qooper.Problem
}

func userOutcome(status int, user *qooper.User) outcome {
	return outcome{status: status, user: user}
}

func problemOutcome(status int, code, title, detail string, fieldErrs []qooper.FieldError) outcome {
	return outcome{status: status, problem: &qooper.Problem{
		Type:   problemTypeBase + code,
		Title:  title,
		Status: status,
		Detail: detail,
		Code:   code,
		Errors: fieldErrs,
	}}
}

// validationOutcome turns the field errors of a request body into a 400.
func validationOutcome(err error) outcome {
	var validationErr *qooper.ValidationError
	if !errors.As(err, &validationErr) {
		return problemOutcome(http.StatusBadRequest, qooper.CodeInvalidRequest, "Invalid request", "the body is not valid JSON", nil)
	}
	return problemOutcome(http.StatusBadRequest, validationErr.Code(), "Invalid user fields",
		"one or more fields are invalid, see errors", validationErr.Errors)
}

// response renders an outcome as a single response.
func (ex *exchange) response(o outcome) *response {
	if o.problem != nil {
		problem := *o.problem
		if problem.RequestID == "" {
			problem.RequestID = ex.requestID
		}
		return problemResponse(o.status, &problem)
	}
	resp := jsonResponse(o.status, wireUser(o.user))
	resp.header.Set("ETag", o.user.ETag())
	if o.status == http.StatusCreated {
		resp.header.Set("Location", "/v1/users/"+o.user.ID)
	}
	return resp
}

func (ex *exchange) problem(status int, code, title, detail string, fieldErrs []qooper.FieldError) *response {
	return ex.response(problemOutcome(status, code, title, detail, fieldErrs))
}

func (ex *exchange) notFound(detail string) *response {
	return ex.problem(http.StatusNotFound, qooper.CodeNotFound, "Not found", detail, nil)
}

func (ex *exchange) userNotFound() outcome {
	return problemOutcome(http.StatusNotFound, qooper.CodeNotFound, "User not found", "no user has this id", nil)
}

func (ex *exchange) methodNotAllowed(allow string) *response {
	resp := ex.problem(http.StatusMethodNotAllowed, qooper.CodeInvalidRequest, "Method not allowed",
		"this endpoint accepts "+allow, nil)
	resp.header.Set("Allow", allow)
	return resp
}

// invalidRequest is a 400 invalidRequest about one field, query parameter
// or header.
func invalidRequest(field, message string) outcome {
	return problemOutcome(http.StatusBadRequest, qooper.CodeInvalidRequest, "Invalid request", message,
		[]qooper.FieldError{{Field: field, Code: qooper.CodeInvalidRequest, Message: message}})
}

// invalidValue is a 400 invalidValue about one field or query parameter.
func invalidValue(field, message string) outcome {
	return problemOutcome(http.StatusBadRequest, qooper.CodeInvalidValue, "Invalid value", message,
		[]qooper.FieldError{{Field: field, Code: qooper.CodeInvalidValue, Message: message}})
}

func problemResponse(status int, problem *qooper.Problem) *response {
	body, _ := json.Marshal(problem)
	return &response{
		status: status,
		header: http.Header{"Content-Type": {"application/problem+json"}},
		body:   body,
	}
}

func jsonResponse(status int, value any) *response {
	body, err := json.Marshal(value)
	if err != nil {
		return problemResponse(http.StatusInternalServerError, &qooper.Problem{
			Status: http.StatusInternalServerError, Code: qooper.CodeServerError, Title: "Server error",
			Detail: "the response could not be encoded",
		})
	}
	return &response{
		status: status,
		header: http.Header{"Content-Type": {"application/json"}},
		body:   body,
	}
}

// userJSON is the wire form of a user. It always carries customAttributes,
// as an empty object when there are none.
type userJSON struct {
	*qooper.User
	CustomAttributes map[string]any `json:"customAttributes"`
}

func wireUser(u *qooper.User) userJSON {
	attributes := u.CustomAttributes
	if attributes == nil {
		attributes = map[string]any{}
	}
	return userJSON{User: u, CustomAttributes: attributes}
}

// checkContentType rejects a body that is not sent as JSON. PATCH may also
// use application/merge-patch+json.
func checkContentType(r *http.Request, allowMergePatch bool) *outcome {
	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err == nil && (mediaType == "application/json" || allowMergePatch && mediaType == "application/merge-patch+json") {
		return nil
	}
	message := "send the body with Content-Type: application/json"
	if allowMergePatch {
		message += " or application/merge-patch+json"
	}
	o := invalidRequest("Content-Type", message)
	return &o
}

// rejectQuery returns a 400 for the first query parameter not in allowed.
func rejectQuery(r *http.Request, allowed ...string) *outcome {
	for name := range r.URL.Query() {
		known := false
		for _, a := range allowed {
			known = known || name == a
		}
		if !known {
			o := invalidRequest(name, "unknown query parameter "+strconv.Quote(name))
			return &o
		}
	}
	return nil
}
