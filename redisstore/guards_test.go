package redisstore_test

import (
	"github.com/imogate/imogate/gateway"
	"github.com/imogate/imogate/redisstore"
	"github.com/imogate/imogate/settlement/batcher"
	"github.com/imogate/imogate/settlement/ledger"
)

// The store implements what each consumer declares it needs.
var (
	_ gateway.Store  = (*redisstore.Store)(nil)
	_ batcher.Store  = (*redisstore.Store)(nil)
	_ ledger.Records = (*redisstore.Store)(nil)
	_ ledger.Log     = (*redisstore.Store)(nil)
)
