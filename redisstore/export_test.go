package redisstore

// PipelinedCalls is how many paid-call scripts went through automatic
// pipelining, for tests that must see both routes taken.
func (s *Store) PipelinedCalls() int64 { return s.hot.nPiped.Load() }
