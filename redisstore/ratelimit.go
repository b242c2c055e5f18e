package redisstore

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// RateLimit counts one request against the account's per-minute request and
// token limits (0 = unlimited) and reports whether it may go ahead and, if
// not, how long until the window resets.
func (s *Store) RateLimit(ctx context.Context, account string, rpm, tpm int64) (bool, time.Duration, error) {
	if rpm <= 0 && tpm <= 0 {
		return true, 0, nil
	}
	now := s.now()
	minute := now.Unix() / 60
	base := "imogate:rl:{" + account + "}:" + strconv.FormatInt(minute, 10)
	ok, err := s.hot.run(ctx, rateLimitScript, false, []string{base + ":req", base + ":tok"}, rpm, tpm).Int()
	if err != nil {
		return false, 0, fmt.Errorf("rate limit: %w", unavailable(err))
	}
	if ok == 1 {
		return true, 0, nil
	}
	return false, time.Unix((minute+1)*60, 0).Sub(now), nil
}

// CountTokens adds a finished call's tokens to the account's token window.
func (s *Store) CountTokens(ctx context.Context, account string, tokens int64) error {
	minute := s.now().Unix() / 60
	key := "imogate:rl:{" + account + "}:" + strconv.FormatInt(minute, 10) + ":tok"
	p := s.rdb.Pipeline()
	p.IncrBy(ctx, key, tokens)
	p.Expire(ctx, key, 2*time.Minute)
	if _, err := p.Exec(ctx); err != nil {
		return fmt.Errorf("count tokens: %w", err)
	}
	return nil
}
