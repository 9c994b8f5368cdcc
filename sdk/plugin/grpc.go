package plugin

import (
	"context"
	"errors"
	"fmt"

	goplugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/marionette-mco/marionette/sdk/plugin/pluginpb"
	"github.com/marionette-mco/marionette/sdk/value"
)

// AgentPlugin is the go-plugin Plugin for agents, gRPC only. In the plugin
// process Server is set and GRPCServer serves it; in the daemon Host is set
// and GRPCClient serves it back to the plugin over the broker.
type AgentPlugin struct {
	goplugin.NetRPCUnsupportedPlugin
	// Impl is the agent a plugin process serves.
	Impl Server
	// Host is what the daemon offers the plugin.
	Host Host
}

var _ goplugin.GRPCPlugin = (*AgentPlugin)(nil)

// GRPCServer registers the agent service in the plugin process.
func (p *AgentPlugin) GRPCServer(broker *goplugin.GRPCBroker, s *grpc.Server) error {
	if p.Impl == nil {
		return errors.New("agent plugin: no Server to serve")
	}
	pluginpb.RegisterAgentServer(s, &agentServer{broker: broker, impl: p.Impl})
	return nil
}

// GRPCClient returns a *Client in the daemon. It serves Host on a new
// broker stream; that goroutine belongs to the broker and ends when the
// go-plugin client is killed. Call Client.Init at once: the plugin must
// dial the stream within go-plugin's five-second window.
func (p *AgentPlugin) GRPCClient(_ context.Context, broker *goplugin.GRPCBroker, conn *grpc.ClientConn) (any, error) {
	if p.Host == nil {
		return nil, errors.New("agent plugin: no Host to offer the plugin")
	}
	id := broker.NextId()
	go broker.AcceptAndServe(id, func(opts []grpc.ServerOption) *grpc.Server {
		s := grpc.NewServer(opts...)
		pluginpb.RegisterHostServer(s, &hostServer{impl: p.Host})
		return s
	})
	return &Client{rpc: pluginpb.NewAgentClient(conn), hostID: id}, nil
}

// Client is the daemon's handle on a running plugin.
type Client struct {
	rpc    pluginpb.AgentClient
	hostID uint32
}

// Info is what a plugin reports about itself at Init.
type Info struct {
	// Agent is the agent name the plugin serves.
	Agent string
	// Actions are the actions it implements, sorted.
	Actions []string
}

// Init connects the plugin to the daemon's Host and returns what the plugin
// serves. agent is the name the daemon loaded the plugin as.
func (c *Client) Init(ctx context.Context, agent string) (Info, error) {
	r, err := c.rpc.Init(ctx, &pluginpb.InitRequest{HostBrokerId: c.hostID, Agent: agent})
	if err != nil {
		return Info{}, fmt.Errorf("init plugin: %w", err)
	}
	return Info{Agent: r.GetAgent(), Actions: r.GetActions()}, nil
}

// Handle runs one action in the plugin. An error means the call did not
// complete (the deadline passed, the plugin died, the data could not be
// encoded); an action's own failure is a Reply with a status code.
func (c *Client) Handle(ctx context.Context, req *Request) (*Reply, error) {
	data, err := value.EncodeObject(req.Data)
	if err != nil {
		return nil, fmt.Errorf("handle: request data: %w", err)
	}
	r, err := c.rpc.Handle(ctx, &pluginpb.HandleRequest{
		Agent:      req.Agent,
		Action:     req.Action,
		Data:       data,
		CallerId:   req.CallerID,
		SenderId:   req.SenderID,
		RequestId:  req.RequestID,
		Collective: req.Collective,
		TtlMs:      req.TTL.Milliseconds(),
	})
	if err != nil {
		return nil, fmt.Errorf("handle: %w", err)
	}
	out, err := value.DecodeObject(r.GetData())
	if err != nil {
		return nil, fmt.Errorf("handle: reply data: %w", err)
	}
	return &Reply{StatusCode: int(r.GetStatusCode()), StatusMsg: r.GetStatusMsg(), Data: out}, nil
}
