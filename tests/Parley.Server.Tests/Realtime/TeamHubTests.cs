using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Parley.Server.Tests.Infrastructure;
using static Parley.Server.Tests.Infrastructure.Api;

namespace Parley.Server.Tests.Realtime;

/// <summary>The team hub: who receives which live event (Roles table), and the hub's own actions.</summary>
public abstract class TeamHubTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : ParleyApp
{
    [Fact]
    public async Task FanOut_NewUnassignedConversation_ManagerGetsCreatedMessageAddedAndCounts()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url);
        await using var managerLive = await HubEvents.ConnectAsync(app, ParleyApp.ManagerEmail);

        var (conversationId, messageId) = await ClientSaysAsync(anonymous, channel, "hub-new-1", "Де моє замовлення?");

        var created = await managerLive.WaitAsync(e => e.IsConversationChanged(conversationId, "created"));
        Assert.Equal("new", created.Args[0].GetProperty("folder").GetString());
        Assert.Equal(JsonValueKind.Null, created.Args[0].GetProperty("assigneeId").ValueKind);
        var added = await managerLive.WaitAsync(e => e.IsMessageAdded(conversationId) && e.Args[1].GetProperty("id").GetString() == messageId);
        Assert.Equal("client", added.Args[1].GetProperty("authorKind").GetString());
        Assert.Equal("Де моє замовлення?", added.Args[1].GetProperty("text").GetString());
        var counts = await managerLive.WaitAsync(e => e.Name == "counts" && e.Args[0].GetProperty("new").GetInt32() >= 1);
        Assert.True(counts.Args[0].GetProperty("new").GetInt32() >= 1);
    }

    [Fact]
    public async Task FanOut_ManagerDeletesOwnMessage_OnlyOwnerGetsTheDeletedText()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var manager = await app.SignInAsync(ParleyApp.ManagerEmail);
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url);
        await using var managerLive = await HubEvents.ConnectAsync(app, ParleyApp.ManagerEmail);
        await using var ownerLive = await HubEvents.ConnectAsync(app, ParleyApp.OwnerEmail);
        var (conversationId, _) = await ClientSaysAsync(anonymous, channel, "hub-audit-1", "Питання");
        Assert.True((await manager.PostAsync($"/api/v1/conversations/{conversationId}/accept", null)).IsSuccessStatusCode);
        var sent = await manager.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { text = "Помилкова відповідь" });
        var messageId = (await Json(sent)).GetProperty("id").GetString();

        Assert.True((await manager.DeleteAsync($"/api/v1/messages/{messageId}")).IsSuccessStatusCode);

        static bool Deleted(HubEvent e, string? id) => e.Name == "messageChanged" && e.Args[1].GetProperty("id").GetString() == id && e.Args[2].GetString() == "deleted";
        var forOwner = await ownerLive.WaitAsync(e => Deleted(e, messageId));
        var forManager = await managerLive.WaitAsync(e => Deleted(e, messageId));
        Assert.Equal("Помилкова відповідь", forOwner.Args[1].GetProperty("text").GetString());
        Assert.Equal("", forManager.Args[1].GetProperty("text").GetString());
        Assert.Single(managerLive.All, e => Deleted(e, messageId));
    }

    [Fact]
    public async Task FanOut_AcceptedBySupervisor_ManagerGetsAcceptedEventWithAssignee()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var supervisor = await app.SignInAsync(ParleyApp.SupervisorEmail);
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url);
        await using var managerLive = await HubEvents.ConnectAsync(app, ParleyApp.ManagerEmail);
        var (conversationId, _) = await ClientSaysAsync(anonymous, channel, "hub-accept-1", "Привіт");
        await managerLive.WaitAsync(e => e.IsConversationChanged(conversationId, "created"));

        Assert.True((await supervisor.PostAsync($"/api/v1/conversations/{conversationId}/accept", null)).IsSuccessStatusCode);

        // The manager's list showed this New chat; it must learn that it was taken (and by whom) to drop it.
        var accepted = await managerLive.WaitAsync(e => e.IsConversationChanged(conversationId, "accepted"));
        Assert.Equal("active", accepted.Args[0].GetProperty("folder").GetString());
        Assert.Equal(await MemberIdAsync(supervisor), accepted.Args[0].GetProperty("assigneeId").GetString());
    }

    [Fact]
    public async Task FanOut_AcceptedBySupervisor_ManagerGetsNoLaterMessagesOwnerGetsAll()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var supervisor = await app.SignInAsync(ParleyApp.SupervisorEmail);
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url);
        await using var managerLive = await HubEvents.ConnectAsync(app, ParleyApp.ManagerEmail);
        await using var ownerLive = await HubEvents.ConnectAsync(app, ParleyApp.OwnerEmail);

        var (conversationId, firstMessageId) = await ClientSaysAsync(anonymous, channel, "hub-private-1", "Перше питання");
        await managerLive.WaitAsync(e => e.IsMessageAdded(conversationId) && e.Args[1].GetProperty("id").GetString() == firstMessageId);
        var beforeAccept = (await MessagesAsync(owner, conversationId)).Select(m => m.GetProperty("id").GetString()).ToHashSet();
        Assert.True((await supervisor.PostAsync($"/api/v1/conversations/{conversationId}/accept", null)).IsSuccessStatusCode);
        var (_, secondMessageId) = await ClientSaysAsync(anonymous, channel, "hub-private-1", "Друге питання");
        var reply = await supervisor.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { text = "Відповідь супервайзера" });
        Assert.True(reply.IsSuccessStatusCode);
        var replyId = (await Json(reply)).GetProperty("id").GetString();

        // Barrier: a later event that the manager must receive. Events reach a connection in publish order.
        var (barrierId, _) = await ClientSaysAsync(anonymous, channel, "hub-private-barrier-1", "Інший клієнт");
        await managerLive.WaitAsync(e => e.IsConversationChanged(barrierId, "created"));

        // Messages after the accept: the manager-joined system message, the client's second message, the supervisor's reply.
        var afterAccept = (await MessagesAsync(owner, conversationId)).Select(m => m.GetProperty("id").GetString()).Where(id => !beforeAccept.Contains(id))
            .ToHashSet();
        Assert.Equal(3, afterAccept.Count);
        Assert.Contains(secondMessageId, afterAccept);
        Assert.Contains(replyId, afterAccept);
        Assert.DoesNotContain(managerLive.All, e => e.Name is "messageAdded" or "messageChanged" && e.Mentions(conversationId)
            && afterAccept.Contains(e.Args[1].GetProperty("id").GetString()));

        // The owner sees everything: creation, acceptance and every message, including the manager-joined system message.
        await ownerLive.WaitAsync(e => e.IsConversationChanged(barrierId, "created"));
        Assert.Contains(ownerLive.All, e => e.IsConversationChanged(conversationId, "created"));
        Assert.Contains(ownerLive.All, e => e.IsConversationChanged(conversationId, "accepted"));
        var ownerSaw = ownerLive.All.Where(e => e.IsMessageAdded(conversationId)).Select(e => e.Args[1].GetProperty("id").GetString()).ToHashSet();
        Assert.Superset(beforeAccept, ownerSaw);
        Assert.Superset(afterAccept, ownerSaw);
    }

    [Fact]
    public async Task FanOut_OwnerIsTheAssignee_GetsEachChangeOnce()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url);
        await using var ownerLive = await HubEvents.ConnectAsync(app, ParleyApp.OwnerEmail);
        var (conversationId, _) = await ClientSaysAsync(anonymous, channel, "hub-once-1", "Привіт");
        Assert.True((await owner.PostAsync($"/api/v1/conversations/{conversationId}/accept", null)).IsSuccessStatusCode);
        Assert.True((await owner.PostAsync($"/api/v1/conversations/{conversationId}/finish", null)).IsSuccessStatusCode);

        // Barrier: a later chat's creation; events reach a connection in publish order, so every copy came before it.
        var (barrierId, _) = await ClientSaysAsync(anonymous, channel, "hub-once-barrier-1", "Інший клієнт");
        await ownerLive.WaitAsync(e => e.IsConversationChanged(barrierId, "created"));

        foreach (var change in new[] { "created", "accepted", "archived" })
            Assert.Single(ownerLive.All, e => e.IsConversationChanged(conversationId, change));
    }

    [Fact]
    public async Task FanOut_MarkRead_AnnouncedAsReadWithoutACountsPush()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url);
        var (conversationId, _) = await ClientSaysAsync(anonymous, channel, "hub-read-1", "Привіт");
        Assert.True((await owner.PostAsync($"/api/v1/conversations/{conversationId}/accept", null)).IsSuccessStatusCode);
        await ClientSaysAsync(anonymous, channel, "hub-read-1", "Ще одне питання");
        await using var ownerLive = await HubEvents.ConnectAsync(app, ParleyApp.OwnerEmail);

        Assert.True((await owner.PostAsync($"/api/v1/conversations/{conversationId}/read", null)).IsSuccessStatusCode);

        // A read is its own change: consoles update the unread mark and leave the client card, the board and the folder
        // counts alone. Barrier: a later chat's creation, which does push counts.
        var read = await ownerLive.WaitAsync(e => e.IsConversationChanged(conversationId, "read"));
        Assert.Equal(0, read.Args[0].GetProperty("unreadCount").GetInt32());
        var (barrierId, _) = await ClientSaysAsync(anonymous, channel, "hub-read-barrier-1", "Інший клієнт");
        await ownerLive.WaitAsync(e => e.IsConversationChanged(barrierId, "created"));
        var events = ownerLive.All.ToList();
        var between = events[(events.FindIndex(e => e.IsConversationChanged(conversationId, "read")) + 1)..events.FindIndex(e => e.IsConversationChanged(barrierId, "created"))];
        Assert.DoesNotContain(between, e => e.Name == "counts");
        Assert.DoesNotContain(events, e => e.IsConversationChanged(conversationId, "updated"));
    }

    [Fact]
    public async Task HubAccept_NewConversation_AcceptsAndSecondAcceptThrowsAlreadyAccepted()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var supervisor = await app.SignInAsync(ParleyApp.SupervisorEmail);
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url);
        await using var supervisorLive = await HubEvents.ConnectAsync(app, ParleyApp.SupervisorEmail);
        await using var ownerLive = await HubEvents.ConnectAsync(app, ParleyApp.OwnerEmail);
        var (conversationId, _) = await ClientSaysAsync(anonymous, channel, "hub-accept-2", "Хто відповість?");

        var item = await supervisorLive.Hub.InvokeAsync<JsonElement>("Accept", Guid.Parse(conversationId));
        Assert.Equal(conversationId, item.GetProperty("id").GetString());
        Assert.Equal("active", item.GetProperty("folder").GetString());
        Assert.Equal(await MemberIdAsync(supervisor), item.GetProperty("assigneeId").GetString());
        Assert.Equal("active", (await ConversationAsync(owner, conversationId)).GetProperty("folder").GetString());

        var second = await Assert.ThrowsAsync<HubException>(() => ownerLive.Hub.InvokeAsync<JsonElement>("Accept", Guid.Parse(conversationId)));
        Assert.Contains("Conflict [already_accepted_by]: This chat was already accepted by", second.Message);
        Assert.Equal(await MemberIdAsync(supervisor), (await ConversationAsync(owner, conversationId)).GetProperty("assigneeId").GetString());
    }

    [Fact]
    public async Task HubSend_ActiveConversation_MessageStoredAndVisibleInRest()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url);
        await using var ownerLive = await HubEvents.ConnectAsync(app, ParleyApp.OwnerEmail);
        var (conversationId, _) = await ClientSaysAsync(anonymous, channel, "hub-send-1", "Питання");
        await ownerLive.Hub.InvokeAsync<JsonElement>("Accept", Guid.Parse(conversationId));

        var sent = await ownerLive.Hub.InvokeAsync<JsonElement>("Send", Guid.Parse(conversationId), "Відповідь через хаб", "hub-cm-1", false);

        Assert.Equal("manager", sent.GetProperty("authorKind").GetString());
        Assert.Equal("Відповідь через хаб", sent.GetProperty("text").GetString());
        var stored = Assert.Single(await MessagesAsync(owner, conversationId), m => m.GetProperty("id").GetString() == sent.GetProperty("id").GetString());
        Assert.Equal("Відповідь через хаб", stored.GetProperty("text").GetString());
        Assert.Equal("hub-cm-1", stored.GetProperty("clientMessageId").GetString());
        var delivered = await hook.UntilAsync(r => r.Body.GetProperty("messageId").GetString() == sent.GetProperty("id").GetString());
        Assert.Equal("Відповідь через хаб", delivered[^1].Body.GetProperty("text").GetString());

        // A resend under the same client message id (a reconnect retrying) returns the stored message; nothing new.
        var again = await ownerLive.Hub.InvokeAsync<JsonElement>("Send", Guid.Parse(conversationId), "Відповідь через хаб", "hub-cm-1", false);
        Assert.Equal(sent.GetProperty("id").GetString(), again.GetProperty("id").GetString());
        Assert.Single(await MessagesAsync(owner, conversationId), m => m.GetProperty("clientMessageId").ValueKind == JsonValueKind.String
            && m.GetProperty("clientMessageId").GetString() == "hub-cm-1");
    }

    [Fact]
    public async Task HubGetCounts_AnyMember_SameAsRestCounts()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var manager = await app.SignInAsync(ParleyApp.ManagerEmail);
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url);
        await ClientSaysAsync(anonymous, channel, "hub-counts-1", "Рахуємо");
        await using var ownerLive = await HubEvents.ConnectAsync(app, ParleyApp.OwnerEmail);
        await using var managerLive = await HubEvents.ConnectAsync(app, ParleyApp.ManagerEmail);

        var ownerCounts = await ownerLive.Hub.InvokeAsync<JsonElement>("GetCounts");
        var managerCounts = await managerLive.Hub.InvokeAsync<JsonElement>("GetCounts");

        Assert.True(ownerCounts.GetProperty("new").GetInt32() >= 1);
        Assert.Equal(ownerCounts.ToString(), (await GetJsonAsync(owner, "/api/v1/conversations/counts")).ToString());
        Assert.Equal(managerCounts.ToString(), (await GetJsonAsync(manager, "/api/v1/conversations/counts")).ToString());
    }

    [Fact]
    public async Task HubTyping_ManagerTypesInNewConversation_OwnerReceivesTyping()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var manager = await app.SignInAsync(ParleyApp.ManagerEmail);
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url);
        var (conversationId, _) = await ClientSaysAsync(anonymous, channel, "hub-typing-1", "Хтось друкує?");
        await using var ownerLive = await HubEvents.ConnectAsync(app, ParleyApp.OwnerEmail);
        await using var managerLive = await HubEvents.ConnectAsync(app, ParleyApp.ManagerEmail);

        await managerLive.Hub.InvokeAsync("Typing", Guid.Parse(conversationId), true);

        var typing = await ownerLive.WaitAsync(e => e.Name == "typing" && e.Args[0].GetString() == conversationId);
        Assert.Equal("Maria Manager", typing.Args[1].GetString());
        Assert.Equal(await MemberIdAsync(manager), typing.Args[2].GetString());
        Assert.True(typing.Args[3].GetBoolean());
    }

    [Fact]
    public async Task HubConnection_WithoutToken_FailsToStart()
    {
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(app.Server.BaseAddress, "/hubs/team"), o =>
            {
                o.HttpMessageHandlerFactory = _ => app.Server.CreateHandler();
                o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.LongPolling;
            })
            .Build();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => connection.StartAsync());
        Assert.Contains("401", error.Message);
        Assert.Equal(HubConnectionState.Disconnected, connection.State);
    }
}

public sealed class TeamHubTests_Sqlite(SqliteApp app) : TeamHubTests<SqliteApp>(app);

public sealed class TeamHubTests_Postgres(PostgresApp app) : TeamHubTests<PostgresApp>(app);

/// <summary>One event received on a team hub connection; every argument kept as JSON.</summary>
internal sealed record HubEvent(string Name, JsonElement[] Args)
{
    public bool IsConversationChanged(string conversationId, string change) =>
        Name == "conversationChanged" && Args[0].GetProperty("id").GetString() == conversationId && Args[1].GetString() == change;

    public bool IsMessageAdded(string conversationId) =>
        Name == "messageAdded" && Args[0].GetProperty("id").GetString() == conversationId;

    public bool IsMessageChanged(string messageId, string change) =>
        Name == "messageChanged" && Args[1].GetProperty("id").GetString() == messageId && Args[2].GetString() == change;

    /// <summary>Whether this event is about the conversation (any kind of event).</summary>
    public bool Mentions(string conversationId) => Name switch
    {
        "conversationChanged" or "messageAdded" or "assigneeAlerted" => Args[0].GetProperty("id").GetString() == conversationId,
        "messageChanged" or "typing" => Args[0].GetString() == conversationId,
        _ => false,
    };

    public override string ToString() => $"{Name}({string.Join(", ", Args.Select(a => a.ToString()))})";
}

/// <summary>Records everything a team hub connection receives, and waits (bounded) for an event.</summary>
internal sealed class HubEvents(HubConnection hub) : IAsyncDisposable
{
    private static readonly (string Name, int Arity)[] Methods =
        [("conversationChanged", 2), ("messageAdded", 2), ("messageChanged", 3), ("counts", 1), ("typing", 4), ("assigneeAlerted", 2)];

    private readonly Lock _lock = new();
    private readonly List<HubEvent> _events = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public HubConnection Hub => hub;

    public IReadOnlyList<HubEvent> All
    {
        get
        {
            lock (_lock) return [.. _events];
        }
    }

    /// <summary>Connects as the member, records every event, and returns once the member has joined its groups.</summary>
    public static async Task<HubEvents> ConnectAsync(ParleyApp app, string email)
    {
        HubEvents? events = null;
        var hub = await app.ConnectTeamHubAsync(email, connection =>
        {
            events = new HubEvents(connection);
            foreach (var (name, arity) in Methods)
            {
                connection.On(name, [.. Enumerable.Repeat(typeof(JsonElement), arity)], (args, state) =>
                {
                    ((HubEvents)state).Add(new HubEvent(name, [.. args.Select(a => a is JsonElement j ? j.Clone() : default)]));
                    return Task.CompletedTask;
                }, events);
            }
        });

        // The server joins groups in OnConnectedAsync; an invocation is served only after it finished.
        await hub.InvokeAsync<JsonElement>("GetCounts");
        return events!;
    }

    public ValueTask DisposeAsync() => hub.DisposeAsync();

    public async Task<HubEvent> WaitAsync(Func<HubEvent, bool> match, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                var found = _events.FirstOrDefault(match);
                if (found is not null) return found;
                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"No matching hub event within the timeout. Received: {string.Join("; ", All)}");
            }
        }
    }

    private void Add(HubEvent e)
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            _events.Add(e);
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.SetResult();
    }
}
