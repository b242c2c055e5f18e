package gateway_test

import (
	"context"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

func commonHash(s string) common.Hash { return common.HexToHash(s) }

func contextWithTimeout(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), d)
}
