package redisstore

import (
	"context"
	"fmt"
	"math/big"
	"strconv"

	"github.com/ethereum/go-ethereum/common"
	"github.com/redis/go-redis/v9"

	"github.com/imogate/imogate/metering"
)

// Usage counters (written by commit.lua): per model per hour, per account
// per hour, and the model's lifetime totals, each a hash of calls, pt, ct
// and fee (+ fee_e18 carried whole ethers).

// Totals returns a model's lifetime usage counters.
func (s *Store) Totals(ctx context.Context, token common.Address) (metering.Usage, error) {
	return s.usage(ctx, keysOf(token).totals())
}

// HourUsage returns a model's usage in one unix hour (account "" = all).
func (s *Store) HourUsage(ctx context.Context, token common.Address, account string, hour int64) (metering.Usage, error) {
	k := keysOf(token)
	if account == "" {
		return s.usage(ctx, k.hour(hour))
	}
	return s.usage(ctx, k.acctHour(account, hour))
}

// HourUsages returns the usage of each unix hour first..last in one
// pipelined round trip (account "" = all accounts).
func (s *Store) HourUsages(ctx context.Context, token common.Address, account string, first, last int64) ([]metering.Usage, error) {
	if last < first {
		return nil, nil
	}
	k := keysOf(token)
	p := s.rdb.Pipeline()
	cmds := make([]*redis.MapStringStringCmd, 0, last-first+1)
	for h := first; h <= last; h++ {
		key := k.hour(h)
		if account != "" {
			key = k.acctHour(account, h)
		}
		cmds = append(cmds, p.HGetAll(ctx, key))
	}
	if _, err := p.Exec(ctx); err != nil {
		return nil, fmt.Errorf("usage: %w", err)
	}
	out := make([]metering.Usage, len(cmds))
	for i, c := range cmds {
		out[i] = usageOf(c.Val())
	}
	return out, nil
}

func (s *Store) usage(ctx context.Context, key string) (metering.Usage, error) {
	m, err := s.rdb.HGetAll(ctx, key).Result()
	if err != nil {
		return metering.Usage{}, fmt.Errorf("usage: %w", err)
	}
	return usageOf(m), nil
}

// usageOf decodes a usage counter hash; fees are fee_e18 × 10^18 + fee.
func usageOf(m map[string]string) metering.Usage {
	i := func(f string) int64 { v, _ := strconv.ParseInt(m[f], 10, 64); return v }
	fees := new(big.Int).Mul(big.NewInt(i("fee_e18")), big.NewInt(1_000_000_000_000_000_000))
	fees.Add(fees, big.NewInt(i("fee")))
	return metering.Usage{Calls: i("calls"), PromptTokens: i("pt"), CompletionTokens: i("ct"), Fees: fees}
}
