// Package devchain runs an in-process Ethereum chain for `imogate dev` and
// tests: go-ethereum's simulated backend with mainnet-like gas (the dev
// config's future fork, which reprices state access, is unset), its JSON-RPC
// served on a loopback HTTP port so ethers, wallets and `imogate audit` can
// read it, and a miner that seals a block as soon as transactions are
// pending. Chain id 1337.
package devchain

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/params"
)

// ChainID is the simulated chain's id (fixed by go-ethereum).
var ChainID = big.NewInt(1337)

// Ether is 10^18 wei.
var Ether = new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)

// Config configures a dev chain.
type Config struct {
	// Alloc funds accounts at genesis.
	Alloc types.GenesisAlloc
	// RPCAddr is the host:port for JSON-RPC over HTTP; "127.0.0.1:0" picks a
	// free port; empty serves no RPC.
	RPCAddr string
	// MineInterval is how often pending transactions are looked for. Default 100ms.
	MineInterval time.Duration
	// Logger receives mining logs. Required.
	Logger *slog.Logger
}

// Chain is a running dev chain.
type Chain struct {
	backend *simulated.Backend
	rpcURL  string
	log     *slog.Logger

	mu     sync.Mutex // serializes Commit with manual commits
	stop   chan struct{}
	done   chan struct{}
	closed bool
}

// MainnetGasConfig returns go-ethereum's dev chain config with the Bogota
// fork unset, so gas is priced as on mainnet.
func MainnetGasConfig() *params.ChainConfig {
	cfg := *params.AllDevChainProtocolChanges
	cfg.BogotaTime = nil
	return &cfg
}

// Start starts the chain and its miner.
func Start(cfg Config) (*Chain, error) {
	if cfg.Logger == nil {
		return nil, errors.New("devchain: a logger is required")
	}
	if cfg.MineInterval <= 0 {
		cfg.MineInterval = 100 * time.Millisecond
	}
	var host string
	var port int
	if cfg.RPCAddr != "" {
		h, p, err := net.SplitHostPort(cfg.RPCAddr)
		if err != nil {
			return nil, fmt.Errorf("devchain: rpc address: %w", err)
		}
		host = h
		port, _ = strconv.Atoi(p)
		if port != 0 {
			// simulated.NewBackend panics when the node cannot start; say
			// plainly that the port is taken instead.
			ln, err := net.Listen("tcp", cfg.RPCAddr)
			if err != nil {
				return nil, fmt.Errorf("devchain: the JSON-RPC address %s is not free (choose another with --rpc): %w", cfg.RPCAddr, err)
			}
			ln.Close()
		}
		if port == 0 {
			ln, err := net.Listen("tcp", net.JoinHostPort(h, "0"))
			if err != nil {
				return nil, fmt.Errorf("devchain: pick rpc port: %w", err)
			}
			port = ln.Addr().(*net.TCPAddr).Port
			ln.Close()
		}
	}
	b := simulated.NewBackend(cfg.Alloc, func(nc *node.Config, ec *ethconfig.Config) {
		ec.Genesis.Config = MainnetGasConfig()
		if host != "" {
			nc.HTTPHost = host
			nc.HTTPPort = port
			nc.HTTPModules = []string{"eth", "net", "web3"}
			nc.HTTPVirtualHosts = []string{"*"}
			nc.HTTPCors = []string{"*"}
		}
	})
	c := &Chain{backend: b, log: cfg.Logger, stop: make(chan struct{}), done: make(chan struct{})}
	if host != "" {
		c.rpcURL = "http://" + net.JoinHostPort(host, strconv.Itoa(port))
	}
	go c.mine(cfg.MineInterval)
	return c, nil
}

// RPCURL is the JSON-RPC URL ("" if none is served).
func (c *Chain) RPCURL() string { return c.rpcURL }

// Client is an in-process client of the chain.
func (c *Chain) Client() simulated.Client { return c.backend.Client() }

// Backend is the underlying simulated backend (for reorg and time tests).
func (c *Chain) Backend() *simulated.Backend { return c.backend }

// Commit seals a block now.
func (c *Chain) Commit() common.Hash {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.backend.Commit()
}

// mine seals a block whenever transactions are pending.
func (c *Chain) mine(every time.Duration) {
	defer close(c.done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		n, err := c.backend.Client().PendingTransactionCount(ctx)
		cancel()
		if err != nil || n == 0 {
			continue
		}
		h := c.Commit()
		c.log.Debug("dev chain mined a block", "hash", h.Hex(), "transactions", n)
	}
}

// Close stops the miner and the chain.
func (c *Chain) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	c.mu.Unlock()
	close(c.stop)
	<-c.done
	return c.backend.Close()
}

// DevKey derives a deterministic, publicly known key from a label. Use it
// only on the dev chain.
func DevKey(label string) (*ecdsa.PrivateKey, error) {
	return crypto.ToECDSA(crypto.Keccak256([]byte("imogate/devchain/" + label)))
}
