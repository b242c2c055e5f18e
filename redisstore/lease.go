package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/redis/go-redis/v9"

	"github.com/imogate/imogate/settlement"
)

// AcquireLease takes or renews owner's lease on the model's batcher for ttl
// and returns the fencing token to pass to every write. A new lease gets a
// fencing token greater than any before it; a renewal keeps its token. It
// fails with settlement.ErrLeaseHeld while another owner holds the lease.
func (s *Store) AcquireLease(ctx context.Context, token common.Address, owner string, ttl time.Duration) (int64, error) {
	if owner == "" || strings.Contains(owner, "|") {
		return 0, fmt.Errorf("acquire lease: invalid owner %q", owner)
	}
	k := keysOf(token)
	v, err := acquireLeaseScript.Run(ctx, s.rdb, []string{k.lease(), k.fence()}, owner, ttl.Milliseconds()).Text()
	if errors.Is(err, redis.Nil) {
		return 0, settlement.ErrLeaseHeld
	}
	if err != nil {
		return 0, fmt.Errorf("acquire lease: %w", err)
	}
	f, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("acquire lease: bad fencing token %q", v)
	}
	return f, nil
}

// ReleaseLease gives up owner's lease, if it still holds it, so another
// batcher can take over at once.
func (s *Store) ReleaseLease(ctx context.Context, token common.Address, owner string) error {
	if err := releaseLeaseScript.Run(ctx, s.rdb, []string{keysOf(token).lease()}, owner).Err(); err != nil {
		return fmt.Errorf("release lease: %w", err)
	}
	return nil
}
