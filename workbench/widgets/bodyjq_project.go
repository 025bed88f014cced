package widgets

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/itchyny/gojq"
)

// decodeFor decodes the body for the program q: only the parts q can
// observe (programNeed), or the whole body, decoded once and shared, when
// q needs all of it. A projected decode runs under the run's context.
func decodeFor(ctx, bodyCtx context.Context, pb *parsedBody, raw io.ReaderAt, size int64, q *gojq.Query) ([]any, error) {
	n := programNeed(q)
	if n != nil && (n.all || n.each != nil && n.each.all) { // every value, whole
		return pb.decode(bodyCtx, raw, size)
	}
	values, err := projectedDecode(ctx, raw, size, n)
	if errors.Is(err, errProjFallback) {
		return pb.decode(bodyCtx, raw, size)
	}
	return values, err
}

// errProjFallback: the projected decoder refused a body encoding/json
// takes; the whole decode decides.
var errProjFallback = errors.New("projected decode refused the body")

// projectedDecode decodes the body's values for need n. Bad JSON gets
// encoding/json's error, as a whole decode would give.
func projectedDecode(ctx context.Context, raw io.ReaderAt, size int64, n *need) ([]any, error) {
	d := newProjDecoder(ctxReader{ctx, io.NewSectionReader(raw, 0, size)})
	values, err := d.decodeAll(n)
	switch {
	case err == nil:
		return values, nil
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case !errors.Is(err, errBadJSON):
		return nil, fmt.Errorf("body is not JSON: %w", err)
	}
	values = nil
	return nil, jsonError(ctx, raw, size)
}

// jsonError is the error encoding/json gives for the body, found without
// keeping what it decodes; errProjFallback if it finds none.
func jsonError(ctx context.Context, raw io.ReaderAt, size int64) error {
	dec := json.NewDecoder(ctxReader{ctx, io.NewSectionReader(raw, 0, size)})
	for {
		var skip skipJSON
		err := dec.Decode(&skip)
		if errors.Is(err, io.EOF) {
			return errProjFallback
		}
		if err != nil {
			return fmt.Errorf("body is not JSON: %w", err)
		}
	}
}

// skipJSON takes any JSON value and keeps nothing.
type skipJSON struct{}

func (*skipJSON) UnmarshalJSON([]byte) error { return nil }
