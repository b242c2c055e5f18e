package batcher_test

import (
	"context"
	"log/slog"
	"math/big"
	"os"
	"os/signal"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/redis/go-redis/v9"

	"github.com/imogate/imogate/redisstore"
	"github.com/imogate/imogate/settlement/archive"
	"github.com/imogate/imogate/settlement/batcher"
)

// ExampleBatcher wires a batcher as `imogate settle` does: a Redis store, a
// node client, a local archive and the settler key, then runs it until the
// process is interrupted.
func ExampleBatcher() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))

	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
	defer rdb.Close()
	node, err := ethclient.DialContext(ctx, "http://127.0.0.1:8545")
	if err != nil {
		logger.Error("dial node", "err", err)
		return
	}
	defer node.Close()
	key, err := crypto.HexToECDSA(os.Getenv("IMOGATE_SETTLER_KEY")) // never logged
	if err != nil {
		logger.Error("settler key", "err", err)
		return
	}
	arch, err := archive.NewDir("/var/lib/imogate/archive")
	if err != nil {
		logger.Error("archive", "err", err)
		return
	}

	b, err := batcher.New(batcher.Config{
		Store:         redisstore.New(rdb, nil),
		Chain:         node,
		Archive:       arch,
		Key:           key,
		ChainID:       big.NewInt(1),
		Settlement:    common.HexToAddress("0x5e77100000000000000000000000000000000001"),
		Tokens:        []common.Address{common.HexToAddress("0x70ce000000000000000000000000000000000001")},
		MaxBatch:      10_000,
		MaxAge:        time.Minute,
		Confirmations: 2,
		MaxFeeCap:     big.NewInt(200_000_000_000), // 200 gwei
		Snapshots:     true,
		Logger:        logger,
		Hooks: batcher.Hooks{
			LowBalance: func(token common.Address, have, need *big.Int) {
				logger.Error("fund the settler", "token", token, "have_wei", have, "need_wei", need)
			},
		},
	})
	if err != nil {
		logger.Error("batcher config", "err", err)
		return
	}
	_ = b.Run(ctx) // returns when ctx ends, after giving up its leases
}
