package logctx

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRunIDRoundTrip(t *testing.T) {
	t.Parallel()
	assert.Empty(t, RunID(context.Background()))
	assert.Empty(t, Attrs(context.Background()))

	ctx := WithRunID(context.Background(), "run42")

	assert.Equal(t, "run42", RunID(ctx))
	attrs := Attrs(ctx)
	if assert.Len(t, attrs, 1) {
		assert.Equal(t, "run_id", attrs[0].Key)
		assert.Equal(t, "run42", attrs[0].Value.String())
	}
}
