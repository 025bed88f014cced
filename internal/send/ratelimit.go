package send

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RateLimit describes a 429 answer: Mist's "detail" text and the
// Retry-After header when the server sent one.
type RateLimit struct {
	Detail        string
	RetryAfter    time.Duration
	HasRetryAfter bool
}

func parseRateLimit(r *Response) *RateLimit {
	rl := &RateLimit{}
	if !r.Truncated {
		rl.Detail = detailOf(r.Head)
	}
	if ra := strings.TrimSpace(r.Header("Retry-After")); ra != "" {
		if secs, err := strconv.ParseInt(ra, 10, 64); err == nil && secs >= 0 {
			secs = min(secs, 365*24*3600) // no overflow; the retry policy caps it anyway
			rl.RetryAfter, rl.HasRetryAfter = time.Duration(secs)*time.Second, true
		} else if t, err := http.ParseTime(ra); err == nil {
			rl.RetryAfter, rl.HasRetryAfter = max(time.Until(t), 0), true
		}
	}
	return rl
}

// String is the line shown to the user.
func (rl *RateLimit) String() string {
	s := "429 Too Many Requests"
	if rl.Detail != "" {
		s += ": " + rl.Detail
	}
	if rl.HasRetryAfter {
		s += " (Retry-After: " + rl.RetryAfter.String() + ")"
	}
	return s
}

// RetryPolicy says how to retry 429 answers: Retry-After when given,
// else exponential backoff from Base, with jitter, capped at Cap.
type RetryPolicy struct {
	Max  int           // retries; 0 disables
	Base time.Duration // 0: 1s
	Cap  time.Duration // 0: 60s; also caps a Retry-After
}

func (p RetryPolicy) delay(attempt int, rl *RateLimit) time.Duration {
	base, limit := p.Base, p.Cap
	if base <= 0 {
		base = time.Second
	}
	if limit <= 0 {
		limit = time.Minute
	}
	if rl != nil && rl.HasRetryAfter {
		return min(rl.RetryAfter, limit)
	}
	d := base << min(attempt, 20)
	d += time.Duration(rand.Int64N(int64(d)/4 + 1)) // spread clients that were limited together
	return min(d, limit)
}
