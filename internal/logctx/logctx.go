// Package logctx carries the sync run id in a context, so that the HTTP
// clients' log lines name the run that sent the request.
package logctx

import (
	"context"
	"log/slog"
)

type runIDKey struct{}

// WithRunID returns a copy of ctx that carries runID.
func WithRunID(ctx context.Context, runID string) context.Context {
	return context.WithValue(ctx, runIDKey{}, runID)
}

// RunID returns the run id that ctx carries, or "".
func RunID(ctx context.Context) string {
	id, _ := ctx.Value(runIDKey{}).(string)
	return id
}

// Attrs returns the run_id attribute of ctx, or nothing when ctx carries no
// run id.
func Attrs(ctx context.Context) []slog.Attr {
	if id := RunID(ctx); id != "" {
		return []slog.Attr{slog.String("run_id", id)}
	}
	return nil
}
