using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Parley.Bench;

/// <summary>
/// Hub connections as the widget and the console open them: negotiate, then WebSockets, JSON protocol. All of them share
/// one HTTP handler for the negotiate request, so thousands of connections do not leave thousands of idle keep-alive
/// sockets behind on either side (a browser's negotiate socket would be one per browser, not one per bench visitor).
/// </summary>
public static class Hubs
{
    private static readonly HttpMessageInvoker Negotiate = new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
    });

    public static HubConnection Build(Uri baseUrl, string path, string? accessToken = null) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(baseUrl, path), HttpTransportType.WebSockets, o =>
            {
                o.HttpMessageHandlerFactory = _ => new SharedHandler();
                if (accessToken is not null) o.AccessTokenProvider = () => Task.FromResult<string?>(accessToken);
            })
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase)))
            .Build();

    /// <summary>Forwards to the shared invoker and never disposes it (each HubConnection disposes its handler).</summary>
    private sealed class SharedHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Negotiate.SendAsync(request, cancellationToken);

        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Negotiate.Send(request, cancellationToken);
    }
}

// The parts of the server's payloads the bench reads; the rest of each JSON object is skipped.

/// <summary>VisitorMessage (visitor hub <c>message</c> event, <c>Send</c>'s answer).</summary>
public sealed record VisitorMessageDto(Guid Id, Guid ConversationId, string? Author, string? Text, string? ClientMessageId);

/// <summary>VisitorSession (<c>Join</c>'s answer).</summary>
public sealed record VisitorSessionDto(string? VisitorToken, string? VisitorId);

/// <summary>ConversationItem (team hub events, <c>Accept</c>'s answer).</summary>
public sealed record ConversationDto(Guid Id, string? Folder, Guid? AssigneeId);

/// <summary>MessageDto (team hub <c>messageAdded</c>, <c>Send</c>'s answer).</summary>
public sealed record MessageDto(Guid Id, Guid ConversationId, string? AuthorKind, string? ClientMessageId);

public sealed record JoinRequest(string Channel, string? VisitorToken, string? HostOrigin, string? Language);

public sealed record SendRequest(string Text, string ClientMessageId);
