package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/imogate/imogate/metering"
)

// A model's price schedule (metering.PriceSchedule) is a sorted set under
// its hash tag: score = effectiveFrom (unix ms), member = the version's JSON
// (which includes effectiveFrom, so two versions never share a member).

func (k modelKeys) prices() string { return k.p + "prices" }

// Errors of publishing a price version.
var (
	// ErrPriceConflict: another version with the same effective time is
	// published; a published version never changes.
	ErrPriceConflict = errors.New("a different price version with this effective time is already published")
	// ErrPriceNotLatest: a version that takes effect later is published;
	// versions are only ever appended.
	ErrPriceNotLatest = errors.New("a later price version is already published")
	// ErrPriceTooSoon: a new version must take effect at least the lead time
	// after it is published, so that every gateway knows it in time.
	ErrPriceTooSoon = errors.New("a new price version must take effect later")
)

// PublishPrice appends v to the model's price schedule, unless that exact
// version is already there. A model's first version may take any effective
// time; every later one must take effect at least lead after now, and after
// every published version. A version already published is never changed.
func (s *Store) PublishPrice(ctx context.Context, token common.Address, v metering.PriceVersion, lead time.Duration) (added bool, err error) {
	js, err := json.Marshal(v)
	if err != nil {
		return false, err
	}
	earliest := s.now().Add(lead).UnixMilli()
	res, err := publishPriceScript.Run(ctx, s.rdb, []string{keysOf(token).prices()},
		strconv.FormatUint(v.EffectiveFrom, 10), string(js), earliest).StringSlice()
	if err != nil {
		return false, fmt.Errorf("publish price: %w", err)
	}
	switch res[0] {
	case "ADDED":
		return true, nil
	case "EXISTS":
		return false, nil
	case "CONFLICT":
		return false, fmt.Errorf("%w: published %s", ErrPriceConflict, res[1])
	case "NOT_LATEST":
		return false, fmt.Errorf("%w: %s", ErrPriceNotLatest, res[1])
	case "TOO_SOON":
		return false, fmt.Errorf("%w: at %s (unix ms) or after", ErrPriceTooSoon, res[1])
	}
	return false, fmt.Errorf("publish price: unexpected script reply %v", res)
}

// Prices returns the model's published price schedule, oldest first.
func (s *Store) Prices(ctx context.Context, token common.Address) (metering.PriceSchedule, error) {
	members, err := s.rdb.ZRange(ctx, keysOf(token).prices(), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("read prices: %w", err)
	}
	out := make(metering.PriceSchedule, 0, len(members))
	for _, m := range members {
		var v metering.PriceVersion
		if err := json.Unmarshal([]byte(m), &v); err != nil {
			return nil, fmt.Errorf("read prices: %w", err)
		}
		out = append(out, v)
	}
	return out, out.Validate()
}
