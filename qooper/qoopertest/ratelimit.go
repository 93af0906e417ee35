package qoopertest

import (
	"math"
	"net/http"
	"strconv"

	"golang.org/x/time/rate"
)

// takeToken takes one request from the bucket of key and returns whether
// the request is allowed, with the rate-limit headers for the response.
// RateLimit-Limit is the bucket size, RateLimit-Remaining the requests left
// and RateLimit-Reset the whole seconds until the bucket is full. A
// rejected request also gets Retry-After, the whole seconds until one more
// request is allowed, at least 1. The caller holds s.mu.
func (s *Server) takeToken(key string) (bool, http.Header) {
	header := http.Header{}
	header.Set("RateLimit-Limit", strconv.Itoa(s.burst))
	if s.limit == rate.Inf {
		header.Set("RateLimit-Remaining", strconv.Itoa(s.burst))
		header.Set("RateLimit-Reset", "0")
		return true, header
	}

	limiter := s.buckets[key]
	if limiter == nil {
		limiter = rate.NewLimiter(s.limit, s.burst)
		s.buckets[key] = limiter
	}
	now := s.now()
	allowed := limiter.AllowN(now, 1)
	tokens := limiter.TokensAt(now)
	perSecond := float64(s.limit)

	header.Set("RateLimit-Remaining", strconv.Itoa(int(math.Max(0, math.Floor(tokens)))))
	header.Set("RateLimit-Reset", strconv.Itoa(int(math.Ceil((float64(s.burst)-tokens)/perSecond))))
	if !allowed {
		wait := int(math.Ceil((1 - tokens) / perSecond))
		header.Set("Retry-After", strconv.Itoa(max(wait, 1)))
	}
	return allowed, header
}
