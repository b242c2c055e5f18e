package redisstore

import (
	"embed"
	"strings"

	"github.com/redis/go-redis/v9"
)

// Every Lua script the store runs is a file in lua/; scripts that share a
// function (hold.lua's release_hold) are built by joining files.
//
//go:embed lua/*.lua
var luaFiles embed.FS

// script joins the named files of lua/ into one script.
func script(names ...string) *redis.Script {
	var b strings.Builder
	for _, n := range names {
		src, err := luaFiles.ReadFile("lua/" + n)
		if err != nil {
			panic("redisstore: missing embedded script " + n) // a build error in all but name
		}
		b.Write(src)
		b.WriteByte('\n')
	}
	return redis.NewScript(b.String())
}

var (
	// The paid call's scripts (meter.go).
	reserveScript = script("reserve.lua")
	commitScript  = script("commit.lua")
	releaseScript = script("hold.lua", "release.lua")
	sweepScript   = script("hold.lua", "sweep.lua")
	creditScript  = script("credit.lua")
	floorScript   = script("raise_floor.lua")
	// The published price schedule (prices.go).
	publishPriceScript = script("publish_price.lua")
	// Rate limits (ratelimit.go).
	rateLimitScript = script("ratelimit.lua")
	// The batcher's lease and fenced writes (lease.go, batches.go).
	acquireLeaseScript = script("acquire_lease.lua")
	releaseLeaseScript = script("release_lease.lua")
	saveBatchScript    = script("save_batch.lua")
	setCursorScript    = script("set_cursor.lua")
	trimScript         = script("trim.lua")
)
