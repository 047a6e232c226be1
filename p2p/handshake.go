package p2p

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
	msmux "github.com/multiformats/go-multistream"
)

// The status handshake. Right after a connection opens, each side sends
// its StatusMsg on the status protocol and reads the other's in reply, so
// both learn each other's head either way. A peer of another network never
// gets that far: the protocol id holds the genesis hash and the version,
// so negotiation fails; the fields are checked again all the same. The
// same exchange, repeated every StatusInterval, keeps peers' heads fresh.

// handshake runs the status exchange with a newly connected peer, and
// disconnects it if it is incompatible or does not answer.
func (s *Service) handshake(ctx context.Context, p peer.ID) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.HandshakeTimeout)
	defer cancel()
	st, err := s.requestStatus(ctx, p)
	if err != nil {
		if ctx.Err() != nil && s.ctx.Err() != nil {
			return // shutting down
		}
		if !errors.Is(err, ErrIncompatible) {
			// The peer may have hung up on us because it found us
			// incompatible; what it told identify says whether it
			// speaks our protocol at all.
			if ierr := s.identifyMismatch(p); ierr != nil {
				err = ierr
			}
		}
		if errors.Is(err, ErrIncompatible) {
			s.refuse(p, err)
			return
		}
		s.log.Info("handshake failed", "peer", p, "err", err)
		_ = s.host.Network().ClosePeer(p)
		return
	}
	if !s.peers.setHead(p, st.Head) {
		return
	}
	s.log.Info("peer connected", "peer", p, "height", st.Head.Height, "head", st.Head.Hash, "work", st.Head.TotalWork)
	s.dialer.connected(p)
	s.syncer.poke()
	s.announceAfterHandshake(p)
}

// identifyMismatch returns an ErrIncompatible error if identify has told
// us p's protocols and our status protocol is not among them, naming the
// status protocol p does speak, if any (whose id shows its genesis and
// version).
func (s *Service) identifyMismatch(p peer.ID) error {
	protos, err := s.host.Peerstore().GetProtocols(p)
	if err != nil || len(protos) == 0 || slices.Contains(protos, s.statusProto) {
		return nil
	}
	theirs := "none"
	for _, id := range protos {
		if strings.HasPrefix(string(id), "/quarry/") && strings.Contains(string(id), "/status/") {
			theirs = string(id)
			break
		}
	}
	return fmt.Errorf("%w: peer speaks status protocol %s, ours is %s", ErrIncompatible, theirs, s.statusProto)
}

// requestStatus sends our status to p and returns p's.
func (s *Service) requestStatus(ctx context.Context, p peer.ID) (*StatusMsg, error) {
	str, err := s.host.NewStream(ctx, p, s.statusProto)
	if err != nil {
		if errors.Is(err, msmux.ErrNotSupported[protocol.ID]{}) {
			if ierr := s.identifyMismatch(p); ierr != nil {
				return nil, ierr
			}
			return nil, fmt.Errorf("%w: peer does not speak %s (another network or protocol version)", ErrIncompatible, s.statusProto)
		}
		return nil, err
	}
	defer str.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = str.SetDeadline(dl)
	}
	if err := writeFrame(str, s.ourStatus()); err != nil {
		str.Reset()
		return nil, err
	}
	_ = str.CloseWrite()
	m, err := readFrame(bufio.NewReader(str), maxStatusBytes)
	if err != nil {
		s.penaliseRead(p, err)
		str.Reset()
		return nil, err
	}
	st, ok := m.(*StatusMsg)
	if !ok {
		err := fmt.Errorf("%w: %v in reply to Status", ErrUnexpectedMessage, m.Kind())
		s.penalise(p, OffenseProtocol, err)
		str.Reset()
		return nil, err
	}
	if err := s.checkStatus(st); err != nil {
		return nil, err
	}
	return st, nil
}

// handleStatus answers a peer's status request with ours.
func (s *Service) handleStatus(str network.Stream) {
	p := str.Conn().RemotePeer()
	defer str.Close()
	m, ok := s.readRequest(str, "status", s.cfg.HandshakeTimeout, maxStatusBytes)
	if !ok {
		return
	}
	defer s.peers.release(p)
	st, ok := m.(*StatusMsg)
	if !ok {
		s.penalise(p, OffenseProtocol, fmt.Errorf("%w: %v on the status protocol", ErrUnexpectedMessage, m.Kind()))
		str.Reset()
		return
	}
	// Answer even an incompatible peer, so that it can log why it was
	// refused, then disconnect it.
	if err := writeFrame(str, s.ourStatus()); err != nil {
		str.Reset()
		return
	}
	if err := s.checkStatus(st); err != nil {
		s.refuse(p, err)
		return
	}
	if s.peers.setHead(p, st.Head) {
		s.syncer.poke()
	}
}

// checkStatus checks that a peer's status is of our network and version.
func (s *Service) checkStatus(st *StatusMsg) error {
	switch {
	case st.Version != ProtocolVersion:
		return fmt.Errorf("%w: protocol version %d, ours %d", ErrIncompatible, st.Version, ProtocolVersion)
	case st.Genesis != s.cfg.Genesis:
		return fmt.Errorf("%w: genesis %v, ours %v", ErrIncompatible, st.Genesis, s.cfg.Genesis)
	case st.ChainID != s.cfg.ChainID:
		return fmt.Errorf("%w: chain id %d, ours %d", ErrIncompatible, st.ChainID, s.cfg.ChainID)
	}
	return nil
}

// refreshStatus re-runs the status exchange with every peer each
// StatusInterval, which is how we learn that a peer got ahead of us.
func (s *Service) refreshStatus(ctx context.Context) {
	t := time.NewTicker(s.cfg.StatusInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		for _, rec := range s.peers.all() {
			if !rec.handshaken {
				continue
			}
			p := rec.id
			s.goRun(func(ctx context.Context) {
				ctx, cancel := context.WithTimeout(ctx, s.cfg.HandshakeTimeout)
				defer cancel()
				st, err := s.requestStatus(ctx, p)
				if err != nil {
					if errors.Is(err, ErrIncompatible) {
						s.refuse(p, err)
					}
					return
				}
				if s.peers.setHead(p, st.Head) {
					s.syncer.poke()
				}
			})
		}
	}
}

// penaliseRead charges p for a frame that was too large or did not
// decode; transport errors (resets, timeouts) cost nothing here.
func (s *Service) penaliseRead(p peer.ID, err error) {
	switch {
	case errors.Is(err, ErrMessageTooLarge):
		s.penalise(p, OffenseOversized, err)
	case errors.Is(err, ErrMalformed):
		s.penalise(p, OffenseMalformed, err)
	}
}
