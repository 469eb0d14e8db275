package analyzer

import (
	"sync"

	"github.com/kubeproof/kubeproof/bundle"
)

// DefaultMemoryBudget bounds the memory of the bundles analyzed at once
// (Options.MemoryBudget). With the results of 1,000 nodes kept for the
// reports, it keeps a whole run under 400 MiB with any number of CPUs.
const DefaultMemoryBudget = 96 << 20

// Estimates of what analyzing a bundle takes: its members as read, the
// facts decoded and indexed, parsed configuration copies. Measured on the
// fixtures and on bundles of 20,000 stat records: about 3 times the
// members' size, plus a decoder and the node's index.
const (
	bytesPerDeclaredByte = 4
	baseWeight           = 2 << 20
)

// budget is a counting semaphore over bytes: each bundle reserves its
// weight before it is read and gives it back when its results are done,
// so that 16 workers on large bundles wait for memory instead of taking
// 16 times as much. A bundle heavier than the whole budget runs alone.
type budget struct {
	mu    sync.Mutex
	cond  *sync.Cond
	total int64
	free  int64
}

func newBudget(total int64) *budget {
	if total <= 0 {
		total = DefaultMemoryBudget
	}
	b := &budget{total: total, free: total}
	b.cond = sync.NewCond(&b.mu)
	return b
}

func (b *budget) acquire(w int64) int64 {
	w = min(max(w, 1), b.total)
	b.mu.Lock()
	for b.free < w {
		b.cond.Wait()
	}
	b.free -= w
	b.mu.Unlock()
	return w
}

func (b *budget) release(w int64) {
	b.mu.Lock()
	b.free += w
	b.mu.Unlock()
	b.cond.Broadcast()
}

// weight estimates the memory that analyzing file takes, from the sizes
// its manifest declares (read alone, cheaply). The reader holds a bundle
// to its manifest's sizes, or refuses it; one it cannot peek at is
// refused before it costs more than the base (p is nil).
func weight(p *bundle.Peek) int64 {
	if p == nil {
		return baseWeight
	}
	return baseWeight + bytesPerDeclaredByte*p.Size
}
