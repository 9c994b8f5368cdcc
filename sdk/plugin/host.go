package plugin

import (
	"context"
	"errors"
	"fmt"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/marionette-mco/marionette/sdk/plugin/pluginpb"
	"github.com/marionette-mco/marionette/sdk/value"
)

// hostServer is the daemon's side of the Host service: it answers the
// plugin's calls from the daemon's Host.
type hostServer struct {
	pluginpb.UnimplementedHostServer
	impl Host
}

// hostStatus turns a Host error into a gRPC status carrying its message.
func hostStatus(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return status.Error(codes.DeadlineExceeded, err.Error())
	}
	if errors.Is(err, context.Canceled) {
		return status.Error(codes.Canceled, err.Error())
	}
	return status.Error(codes.Unknown, err.Error())
}

func (s *hostServer) Identity(ctx context.Context, _ *pluginpb.IdentityRequest) (*pluginpb.IdentityReply, error) {
	id, err := s.impl.Identity(ctx)
	if err != nil {
		return nil, hostStatus(err)
	}
	return &pluginpb.IdentityReply{Identity: id}, nil
}

func (s *hostServer) Fact(ctx context.Context, req *pluginpb.FactRequest) (*pluginpb.FactReply, error) {
	v, ok, err := s.impl.Fact(ctx, req.GetName())
	if err != nil {
		return nil, hostStatus(err)
	}
	b, err := value.Encode(v)
	if err != nil {
		return nil, status.Errorf(codes.Internal, "fact %s: %v", req.GetName(), err)
	}
	return &pluginpb.FactReply{Value: b, Found: ok}, nil
}

func (s *hostServer) Facts(ctx context.Context, _ *pluginpb.FactsRequest) (*pluginpb.FactsReply, error) {
	m, err := s.impl.Facts(ctx)
	if err != nil {
		return nil, hostStatus(err)
	}
	b, err := value.EncodeObject(m)
	if err != nil {
		return nil, status.Errorf(codes.Internal, "facts: %v", err)
	}
	return &pluginpb.FactsReply{Facts: b}, nil
}

func (s *hostServer) Classes(ctx context.Context, _ *pluginpb.ClassesRequest) (*pluginpb.ClassesReply, error) {
	c, err := s.impl.Classes(ctx)
	if err != nil {
		return nil, hostStatus(err)
	}
	return &pluginpb.ClassesReply{Classes: c}, nil
}

func (s *hostServer) ConfigItem(ctx context.Context, req *pluginpb.ConfigItemRequest) (*pluginpb.ConfigItemReply, error) {
	v, ok, err := s.impl.Config(ctx, req.GetKey())
	if err != nil {
		return nil, hostStatus(err)
	}
	return &pluginpb.ConfigItemReply{Value: v, Found: ok}, nil
}

func (s *hostServer) Stats(ctx context.Context, _ *pluginpb.StatsRequest) (*pluginpb.StatsReply, error) {
	m, err := s.impl.Stats(ctx)
	if err != nil {
		return nil, hostStatus(err)
	}
	b, err := value.EncodeObject(m)
	if err != nil {
		return nil, status.Errorf(codes.Internal, "stats: %v", err)
	}
	return &pluginpb.StatsReply{Stats: b}, nil
}

func (s *hostServer) Inventory(ctx context.Context, _ *pluginpb.InventoryRequest) (*pluginpb.InventoryReply, error) {
	inv, err := s.impl.Inventory(ctx)
	if err != nil {
		return nil, hostStatus(err)
	}
	r := &pluginpb.InventoryReply{
		MainCollective: inv.MainCollective,
		Collectives:    inv.Collectives,
		DataPlugins:    inv.DataPlugins,
		Version:        inv.Version,
	}
	for _, m := range inv.Agents {
		r.Agents = append(r.Agents, &pluginpb.AgentMeta{
			Agent: m.Agent, Name: m.Name, Description: m.Description, Author: m.Author,
			License: m.License, Version: m.Version, Url: m.URL, Timeout: int64(m.Timeout),
		})
	}
	return r, nil
}

func (s *hostServer) DataQuery(ctx context.Context, req *pluginpb.DataQueryRequest) (*pluginpb.DataQueryReply, error) {
	m, err := s.impl.DataQuery(ctx, req.GetPlugin(), req.GetQuery())
	if err != nil {
		return nil, hostStatus(err)
	}
	b, err := value.EncodeObject(m)
	if err != nil {
		return nil, status.Errorf(codes.Internal, "data plugin %s: %v", req.GetPlugin(), err)
	}
	return &pluginpb.DataQueryReply{Data: b}, nil
}

// hostClient is the plugin process's Host: every call goes to the daemon.
type hostClient struct {
	rpc pluginpb.HostClient
}

var _ Host = (*hostClient)(nil)

// hostErr names the operation and keeps the daemon's message without gRPC's
// "rpc error: code = ... desc =" decoration; a deadline or cancellation
// stays recognisable with errors.Is.
func hostErr(op string, err error) error {
	st, ok := status.FromError(err)
	if !ok {
		return fmt.Errorf("host %s: %w", op, err)
	}
	switch st.Code() {
	case codes.DeadlineExceeded:
		return fmt.Errorf("host %s: %s: %w", op, st.Message(), context.DeadlineExceeded)
	case codes.Canceled:
		return fmt.Errorf("host %s: %s: %w", op, st.Message(), context.Canceled)
	}
	return fmt.Errorf("host %s: %w", op, errors.New(st.Message()))
}

func (h *hostClient) Identity(ctx context.Context) (string, error) {
	r, err := h.rpc.Identity(ctx, &pluginpb.IdentityRequest{})
	if err != nil {
		return "", hostErr("identity", err)
	}
	return r.GetIdentity(), nil
}

func (h *hostClient) Fact(ctx context.Context, name string) (any, bool, error) {
	r, err := h.rpc.Fact(ctx, &pluginpb.FactRequest{Name: name})
	if err != nil {
		return nil, false, hostErr("fact", err)
	}
	if !r.GetFound() {
		return nil, false, nil
	}
	v, err := value.Decode(r.GetValue())
	if err != nil {
		return nil, false, fmt.Errorf("host fact %s: %w", name, err)
	}
	return v, true, nil
}

func (h *hostClient) Facts(ctx context.Context) (map[string]any, error) {
	r, err := h.rpc.Facts(ctx, &pluginpb.FactsRequest{})
	if err != nil {
		return nil, hostErr("facts", err)
	}
	m, err := value.DecodeObject(r.GetFacts())
	if err != nil {
		return nil, fmt.Errorf("host facts: %w", err)
	}
	return m, nil
}

func (h *hostClient) Classes(ctx context.Context) ([]string, error) {
	r, err := h.rpc.Classes(ctx, &pluginpb.ClassesRequest{})
	if err != nil {
		return nil, hostErr("classes", err)
	}
	return r.GetClasses(), nil
}

func (h *hostClient) Config(ctx context.Context, key string) (string, bool, error) {
	r, err := h.rpc.ConfigItem(ctx, &pluginpb.ConfigItemRequest{Key: key})
	if err != nil {
		return "", false, hostErr("config", err)
	}
	return r.GetValue(), r.GetFound(), nil
}

func (h *hostClient) Stats(ctx context.Context) (map[string]any, error) {
	r, err := h.rpc.Stats(ctx, &pluginpb.StatsRequest{})
	if err != nil {
		return nil, hostErr("stats", err)
	}
	m, err := value.DecodeObject(r.GetStats())
	if err != nil {
		return nil, fmt.Errorf("host stats: %w", err)
	}
	return m, nil
}

func (h *hostClient) Inventory(ctx context.Context) (Inventory, error) {
	r, err := h.rpc.Inventory(ctx, &pluginpb.InventoryRequest{})
	if err != nil {
		return Inventory{}, hostErr("inventory", err)
	}
	inv := Inventory{
		MainCollective: r.GetMainCollective(),
		Collectives:    r.GetCollectives(),
		DataPlugins:    r.GetDataPlugins(),
		Version:        r.GetVersion(),
	}
	for _, m := range r.GetAgents() {
		inv.Agents = append(inv.Agents, AgentMeta{
			Agent: m.GetAgent(), Name: m.GetName(), Description: m.GetDescription(), Author: m.GetAuthor(),
			License: m.GetLicense(), Version: m.GetVersion(), URL: m.GetUrl(), Timeout: int(m.GetTimeout()),
		})
	}
	return inv, nil
}

func (h *hostClient) DataQuery(ctx context.Context, plugin, query string) (map[string]any, error) {
	r, err := h.rpc.DataQuery(ctx, &pluginpb.DataQueryRequest{Plugin: plugin, Query: query})
	if err != nil {
		return nil, hostErr("data query "+plugin, err)
	}
	m, err := value.DecodeObject(r.GetData())
	if err != nil {
		return nil, fmt.Errorf("host data query %s: %w", plugin, err)
	}
	return m, nil
}
