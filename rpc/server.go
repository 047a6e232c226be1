package rpc

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/quarry-chain/quarry/chain/types"
)

// Server serves JSON-RPC over HTTP and WebSocket on one listener.
type Server struct {
	cfg      Config
	log      *slog.Logger
	signer   types.Signer
	methods  map[string]method
	loopback bool // the configured address is a loopback one

	filters *filterManager
	hub     *hub
	budget  *respBudget // Config.MaxResponseBytesInFlight

	wsConns atomic.Int64

	mu       sync.Mutex
	listener net.Listener
	httpSrv  *http.Server
	cancel   context.CancelFunc
	done     chan struct{}
}

// New builds a server from cfg. It does not listen until Start; Handler
// serves without listening (for embedding and tests).
func New(cfg Config) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg:     cfg,
		log:     cfg.Logger,
		signer:  types.NewSigner(cfg.Chain.ChainID()),
		methods: make(map[string]method),
		budget:  newRespBudget(cfg.MaxResponseBytesInFlight),
	}
	s.loopback = isLoopbackAddr(cfg.Addr)
	s.filters = newFilterManager(s)
	s.hub = newHub(s)
	s.registerEthChain()
	s.registerEthTx()
	s.registerEthLogs()
	s.registerEthFilters()
	s.registerEthSubscribe()
	s.registerEthFee()
	s.registerEthMining()
	if cfg.State != nil {
		s.registerEthState()
	}
	if cfg.Exec != nil {
		s.registerEthCall()
	}
	s.registerNet()
	s.registerWeb3()
	if cfg.Pool != nil {
		s.registerTxpool()
	}
	if cfg.Mining != nil {
		s.registerMiner()
	}
	if cfg.Admin != nil {
		s.registerAdmin()
	}
	s.registerQuarry()
	return s, nil
}

// register adds a method. admin_ and miner_ methods are restricted.
func (s *Server) register(name string, fn handlerFunc) {
	if _, dup := s.methods[name]; dup {
		panic("rpc: method registered twice: " + name) // programming error, at construction
	}
	restricted := strings.HasPrefix(name, "admin_") || strings.HasPrefix(name, "miner_")
	s.methods[name] = method{fn: fn, restricted: restricted}
}

// isLoopbackAddr reports whether host:port binds only loopback interfaces.
func isLoopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Start listens on Config.Addr and serves until Stop or ctx ends. It
// returns once the listener is open.
func (s *Server) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.listener != nil {
		return errors.New("rpc: server already started")
	}
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("rpc: listen: %w", err)
	}
	// An address with port 0 or a hostname: judge the bound address.
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && !tcp.IP.IsLoopback() {
		s.loopback = false
	}
	ctx, cancel := context.WithCancel(ctx)
	s.listener, s.cancel, s.done = ln, cancel, make(chan struct{})
	s.httpSrv = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       s.cfg.RequestTimeout + 10*time.Second,
		WriteTimeout:      s.cfg.RequestTimeout + 10*time.Second, // hijacked WebSockets have deadlines cleared
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	s.startBackground(ctx)
	go func() {
		defer close(s.done)
		if err := s.httpSrv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("rpc: serve", "err", err)
		}
	}()
	go func() {
		<-ctx.Done()
		s.shutdown()
	}()
	s.log.Info("rpc: listening", "addr", ln.Addr().String())
	return nil
}

// startBackground subscribes to events and starts the filter janitor.
func (s *Server) startBackground(ctx context.Context) {
	s.hub.start(ctx)
	go s.filters.expireLoop(ctx)
}

// ResponseBytesInFlight reports the bytes of encoded answers the server
// holds, charged to Config.MaxResponseBytesInFlight and not yet written:
// for an operator's gauge of that budget's pressure.
func (s *Server) ResponseBytesInFlight() int64 { return s.budget.stats().inFlight }

// Addr returns the listening address, or nil before Start.
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.listener == nil {
		return nil
	}
	return s.listener.Addr()
}

// Stop closes the listener and every connection and waits for the server
// to finish.
func (s *Server) Stop() error {
	s.mu.Lock()
	cancel, done := s.cancel, s.done
	s.mu.Unlock()
	if cancel == nil {
		return nil
	}
	cancel()
	s.shutdown()
	<-done
	return nil
}

func (s *Server) shutdown() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.httpSrv.Shutdown(ctx); err != nil {
		s.httpSrv.Close()
	}
}

// ServeHTTP routes WebSocket upgrades and JSON-RPC POSTs.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.checkOrigin(w, r) {
		http.Error(w, "cross-origin request refused", http.StatusForbidden)
		return
	}
	if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
		s.serveWS(w, r)
		return
	}
	switch r.Method {
	case http.MethodOptions:
		w.WriteHeader(http.StatusNoContent) // preflight; headers set by checkOrigin
		return
	case http.MethodPost:
	default:
		w.Header().Set("Allow", "POST, OPTIONS")
		http.Error(w, "JSON-RPC requests must be POSTed", http.StatusMethodNotAllowed)
		return
	}
	// Requiring application/json makes every cross-origin browser request
	// preflighted, so a web page cannot drive a local node (CSRF).
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		http.Error(w, "Content-Type must be application/json", http.StatusUnsupportedMediaType)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes))
	w.Header().Set("Content-Type", "application/json")
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			w.WriteHeader(http.StatusRequestEntityTooLarge)
			w.Write(s.encodeFree(s.errorResponse(nil, Errorf(errInvalidReq, "body larger than %d bytes", s.cfg.MaxBodyBytes))))
			return
		}
		w.WriteHeader(http.StatusBadRequest)
		w.Write(s.encodeFree(s.errorResponse(nil, Errorf(errInvalidReq, "reading body: %v", err))))
		return
	}
	ans, _ := s.serveBody(r.Context(), body, &caller{privileged: s.privileged(r)})
	if ans == nil {
		w.WriteHeader(http.StatusOK) // only notifications: nothing to answer
		return
	}
	// The budget holds the answer's bytes until the client has taken
	// them (or WriteTimeout ends the connection).
	defer ans.release()
	w.Header().Set("Content-Length", strconv.Itoa(ans.size))
	for _, p := range ans.parts {
		if _, err := w.Write(p); err != nil {
			return
		}
	}
}

// privileged reports whether r may call admin_ and miner_ methods: with a
// configured token, only by presenting it; without one, only on loopback
// and not from a browser, unless its origin is listed by name. A "*" in
// CORSOrigins opens the node's data to any web page, not its controls:
// a page the operator merely visits must not stop the miner.
func (s *Server) privileged(r *http.Request) bool {
	if s.cfg.AuthToken == "" {
		origin := r.Header.Get("Origin")
		return s.loopback && (origin == "" || s.originListed(origin, false))
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(got), []byte(s.cfg.AuthToken)) == 1
}

// checkOrigin applies CORS: a request without Origin (not from a browser)
// passes; one with an Origin passes only if configured, and then gets the
// CORS headers. It reports whether the request may proceed.
func (s *Server) checkOrigin(w http.ResponseWriter, r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	if !s.originAllowed(origin) {
		return false
	}
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", origin)
	h.Add("Vary", "Origin")
	if r.Method == http.MethodOptions {
		h.Set("Access-Control-Allow-Methods", "POST, OPTIONS")
		h.Set("Access-Control-Allow-Headers", "Content-Type, Authorization")
		h.Set("Access-Control-Max-Age", "600")
	}
	return true
}

// originAllowed matches origin against Config.CORSOrigins. Browser
// extensions (MetaMask and other wallets) are always allowed: the user
// installed them, their requests carry the extension's origin, and web
// pages cannot claim one.
func (s *Server) originAllowed(origin string) bool {
	return isExtensionOrigin(origin) || s.originListed(origin, true)
}

// originListed reports whether Config.CORSOrigins names origin; "*" counts
// only if wildcard is set.
func (s *Server) originListed(origin string, wildcard bool) bool {
	for _, o := range s.cfg.CORSOrigins {
		if (wildcard && o == "*") || strings.EqualFold(o, origin) {
			return true
		}
	}
	return false
}

// isExtensionOrigin reports whether origin is a browser extension's.
func isExtensionOrigin(origin string) bool {
	for _, scheme := range [...]string{"chrome-extension://", "moz-extension://", "safari-web-extension://"} {
		if len(origin) > len(scheme) && strings.EqualFold(origin[:len(scheme)], scheme) {
			return true
		}
	}
	return false
}
