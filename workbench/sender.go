package workbench

import (
	"context"

	"github.com/mistbench/mistbench/collections"
	"github.com/mistbench/mistbench/internal/send"
)

// Sender sends a resolved request; *send.Engine is one. The workbench
// calls it off the UI goroutine with a context that Esc cancels.
type Sender interface {
	Do(ctx context.Context, r *collections.Resolved) (*send.Response, error)
}

// SenderFunc adapts a function to Sender (tests use it to hold a request).
type SenderFunc func(ctx context.Context, r *collections.Resolved) (*send.Response, error)

// Do implements Sender.
func (f SenderFunc) Do(ctx context.Context, r *collections.Resolved) (*send.Response, error) {
	return f(ctx, r)
}
