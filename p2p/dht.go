package p2p

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	kaddht "github.com/libp2p/go-libp2p-kad-dht"
	"github.com/libp2p/go-libp2p/core/discovery"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
	drouting "github.com/libp2p/go-libp2p/p2p/discovery/routing"
	dutil "github.com/libp2p/go-libp2p/p2p/discovery/util"

	"github.com/quarry-chain/quarry/chain/types"
)

// Kademlia DHT discovery (Config.DHT), for networks too large for every
// node to list every other as a bootnode. Each node runs a DHT server
// under a protocol prefix named with the genesis hash, so the routing
// tables of different networks never mix:
//
//	/quarry/<genesis>/kad/1.0.0    the DHT protocol
//	/quarry/<genesis>/peers/1      the rendezvous namespace
//
// It joins the DHT through the bootnodes, advertises itself as a provider
// of the rendezvous namespace, and looks the namespace up: first after a
// second, then at doubling intervals up to dhtLookupMax, while the node has
// fewer connections than the connection manager's low water mark. Found
// peers are dialled through the gater; the status handshake decides
// whether they stay, and the dialer re-dials those that did after they
// drop, as for every other peer.

const (
	// dhtLookupMin and dhtLookupMax bound the interval between lookups of
	// the rendezvous namespace and between retries of a failed advertisement.
	dhtLookupMin = time.Second
	dhtLookupMax = time.Minute
	// dhtLookupTimeout bounds one lookup.
	dhtLookupTimeout = 30 * time.Second
	// dhtLookupLimit is the most peers one lookup returns.
	dhtLookupLimit = 100
	// dhtAdvertiseMin is the first interval between successful
	// advertisements. It doubles up to 7/8 of the record's lifetime: early
	// repeats reach the peers that joined since, which a record stored when
	// the routing table held only the bootnodes would miss.
	dhtAdvertiseMin = time.Minute
	// dhtDialRetry is how long a found peer whose dial failed is not tried
	// again: provider records outlive the peers that made them.
	dhtDialRetry = 10 * time.Minute
)

// dhtProtocolPrefix is the prefix of the DHT's protocol id on the network
// of genesis.
func dhtProtocolPrefix(genesis types.Hash) protocol.ID {
	return protocol.ID("/quarry/" + hex.EncodeToString(genesis[:]))
}

// dhtNamespace is the rendezvous namespace the network's nodes advertise.
func dhtNamespace(genesis types.Hash) string { return protocolName(genesis, "peers") }

// dhtDiscovery runs the DHT and the advertise and lookup loops.
type dhtDiscovery struct {
	s     *Service
	kad   *kaddht.IpfsDHT
	store *dhtStore
	disc  *drouting.RoutingDiscovery
	ns    string

	found atomic.Uint64 // peers lookups found that we were not connected to

	mu     sync.Mutex
	failed map[peer.ID]time.Time // found peers whose dial failed, and when

	closeOnce sync.Once
	closeErr  error
	closed    atomic.Bool
}

// startDHT starts the DHT on the host and the loops that use it; the DHT
// closes when the service's context ends or on Stop.
func (s *Service) startDHT() error {
	ns := dhtNamespace(s.cfg.Genesis)
	store, err := newDHTStore(ns, maxDHTRecords)
	if err != nil {
		return fmt.Errorf("p2p: dht: %w", err)
	}
	kad, err := kaddht.New(s.host,
		kaddht.Mode(kaddht.ModeServer),
		kaddht.ProtocolPrefix(dhtProtocolPrefix(s.cfg.Genesis)),
		kaddht.BootstrapPeers(s.boot...),
		kaddht.Datastore(store),
		// Only provider records are used; values would be one more store a
		// peer could fill.
		kaddht.DisableValues(),
	)
	if err != nil {
		return fmt.Errorf("p2p: dht: %w", err)
	}
	d := &dhtDiscovery{
		s:      s,
		kad:    kad,
		store:  store,
		disc:   drouting.NewRoutingDiscovery(kad),
		ns:     ns,
		failed: make(map[peer.ID]time.Time),
	}
	s.dht = d
	if err := kad.Bootstrap(s.ctx); err != nil {
		return fmt.Errorf("p2p: dht bootstrap: %w", errors.Join(err, d.close()))
	}
	s.goRun(d.advertise)
	s.goRun(d.lookup)
	s.goRun(func(ctx context.Context) {
		<-ctx.Done()
		_ = d.close()
	})
	s.log.Info("dht started", "protocol", dhtProtocolPrefix(s.cfg.Genesis), "namespace", ns, "bootnodes", len(s.boot))
	return nil
}

// stopDHT closes the DHT, if it runs.
func (s *Service) stopDHT() error {
	if s.dht == nil {
		return nil
	}
	return s.dht.close()
}

// DHTPeersFound returns how many peers lookups of the DHT have found that
// the node was not connected to (each then dialled): 0 without Config.DHT.
func (s *Service) DHTPeersFound() uint64 {
	// started is set after dht, so a true load also publishes dht.
	if !s.started.Load() || s.dht == nil {
		return 0
	}
	return s.dht.found.Load()
}

// close closes the DHT once.
func (d *dhtDiscovery) close() error {
	d.closeOnce.Do(func() {
		d.closeErr = d.kad.Close()
		d.closed.Store(true)
	})
	return d.closeErr
}

// advertise keeps the node's provider record for the namespace fresh.
func (d *dhtDiscovery) advertise(ctx context.Context) {
	var retry time.Duration
	again := dhtAdvertiseMin
	for {
		ttl, err := d.disc.Advertise(ctx, d.ns)
		if ctx.Err() != nil {
			return
		}
		var wait time.Duration
		if err != nil {
			// Fails while the routing table is empty: at start, until the
			// first bootnode answers, and on a node without bootnodes
			// until a peer connects.
			retry = min(max(2*retry, dhtLookupMin), dhtLookupMax)
			wait = retry
			d.s.log.Debug("dht advertise failed", "retry in", wait, "err", err)
		} else {
			retry = 0
			wait = min(again, 7*ttl/8)
			again = min(2*again, 7*ttl/8)
			d.s.log.Debug("dht advertised", "namespace", d.ns, "routing_table", d.kad.RoutingTable().Size(), "next", wait)
		}
		if !sleepCtx(ctx, wait) {
			return
		}
	}
}

// lookup finds peers through the namespace while the node is below the low
// water mark.
func (d *dhtDiscovery) lookup(ctx context.Context) {
	wait := dhtLookupMin
	for sleepCtx(ctx, wait) {
		if d.kad.RoutingTable().Size() == 0 {
			// Nobody to ask yet: look again soon.
			wait = dhtLookupMin
			continue
		}
		wait = min(2*wait, dhtLookupMax)
		need := d.s.cfg.LowWater - len(d.s.host.Network().Peers())
		if need > 0 {
			d.findAndDial(ctx, need)
		}
	}
}

// findAndDial looks the namespace up once and dials up to need of the peers
// found that we are not connected to.
func (d *dhtDiscovery) findAndDial(ctx context.Context, need int) {
	lctx, cancel := context.WithTimeout(ctx, dhtLookupTimeout)
	infos, err := dutil.FindPeers(lctx, d.disc, d.ns, discovery.Limit(dhtLookupLimit))
	cancel()
	if err != nil {
		d.s.log.Debug("dht lookup failed", "err", err)
		return
	}
	now := time.Now()
	var dial []peer.AddrInfo
	for _, info := range infos {
		if len(dial) == need {
			break
		}
		if d.dialable(info, now) {
			dial = append(dial, info)
		}
	}
	d.s.log.Debug("dht lookup", "found", len(infos), "dialling", len(dial), "routing_table", d.kad.RoutingTable().Size())
	if len(dial) == 0 {
		return
	}
	d.found.Add(uint64(len(dial)))
	d.s.log.Info("dht found peers", "count", len(dial))

	slots := make(chan struct{}, maxConcurrentDials)
	var wg sync.WaitGroup
	defer wg.Wait()
	for _, info := range dial {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return
		}
		wg.Go(func() {
			defer func() { <-slots }()
			dctx, cancel := context.WithTimeout(ctx, d.s.cfg.HandshakeTimeout)
			err := d.s.host.Connect(dctx, info)
			cancel()
			if err != nil {
				d.dialFailed(info.ID, time.Now())
				d.s.log.Debug("dht dial failed", "peer", info.ID, "err", err)
			}
		})
	}
}

// dialable reports whether a found peer is worth a dial: not us, with an
// address, not connected, not banned or blocked, and not failed recently.
func (d *dhtDiscovery) dialable(info peer.AddrInfo, now time.Time) bool {
	s := d.s
	if info.ID == s.host.ID() || len(info.Addrs) == 0 ||
		s.host.Network().Connectedness(info.ID) == network.Connected || !s.gater.allowed(info.ID) {
		return false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	at, ok := d.failed[info.ID]
	if ok && now.Sub(at) < dhtDialRetry {
		return false
	}
	delete(d.failed, info.ID)
	return true
}

// dialFailed remembers a failed dial, within the bound of the re-dial list.
func (d *dhtDiscovery) dialFailed(p peer.ID, now time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.failed) >= maxDialTargets {
		for id, at := range d.failed {
			if now.Sub(at) >= dhtDialRetry {
				delete(d.failed, id)
			}
		}
		if len(d.failed) >= maxDialTargets {
			return
		}
	}
	d.failed[p] = now
}
