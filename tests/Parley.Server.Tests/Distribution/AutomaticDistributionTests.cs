using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Distribution;
using Parley.Server.Tests.Infrastructure;
using Parley.Server.Tests.Realtime;
using static Parley.Server.Tests.Distribution.DistributionWorld;
using static Parley.Server.Tests.Infrastructure.Api;

namespace Parley.Server.Tests.Distribution;

/// <summary>Automatic mode end to end: who gets a new chat, timeouts, the queue, limits, shifts and presence.</summary>
public abstract class AutomaticDistributionTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : ParleyApp
{
    [Fact]
    public async Task NewChat_Automatic_GoesToManagerWithFewestOpenChatsLive()
    {
        await using var world = await CreateAsync(app);
        var anna = await world.ManagerAsync("Anna");
        var bohdan = await world.ManagerAsync("Bohdan");
        await anna.StartShiftAsync();
        await bohdan.StartShiftAsync();
        var first = await world.ClientWritesAsync("fewest-1");
        await EventuallyAsync(async () => await world.AssigneeAsync(first) is not null, "the first chat is assigned");
        app.Time.Advance(TimeSpan.FromSeconds(5));
        var second = await world.ClientWritesAsync("fewest-2");
        await EventuallyAsync(async () => await world.AssigneeAsync(second) is not null, "the second chat is assigned");
        Assert.NotEqual(await world.AssigneeAsync(first), await world.AssigneeAsync(second));

        // Anna and Bohdan hold one chat each; Chrystyna joins with none and receives the next chat live on her console.
        var chrystyna = await world.ManagerAsync("Chrystyna");
        await using var live = await HubEvents.ConnectAsync(app, chrystyna.Email);
        await chrystyna.StartShiftAsync();
        app.Time.Advance(TimeSpan.FromSeconds(5));
        var third = await world.ClientWritesAsync("fewest-3");

        var assigned = await live.WaitAsync(e => e.IsConversationChanged(third, "assigned"));
        Assert.Equal(chrystyna.Id, assigned.Args[0].GetProperty("assigneeId").GetString());
        Assert.Equal("new", assigned.Args[0].GetProperty("folder").GetString());
        Assert.Equal(["created", "assigned"], await world.HistoryKindsAsync(third));
        var inbox = await GetJsonAsync(chrystyna.Http, "/api/v1/conversations?folder=new");
        Assert.Equal([third], inbox.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()));
        // Assigned to Chrystyna, the chat is out of the other managers' sight, and they cannot accept it.
        Assert.Equal(HttpStatusCode.NotFound, (await anna.Http.GetAsync($"/api/v1/conversations/{third}")).StatusCode);
    }

    [Fact]
    public async Task AcceptTimeout_NotAcceptedIn3Minutes_PassesToTheOtherManager()
    {
        await using var world = await CreateAsync(app);
        var anna = await world.ManagerAsync("Anna");
        var bohdan = await world.ManagerAsync("Bohdan");
        await anna.StartShiftAsync();
        await bohdan.StartShiftAsync();
        var chat = await world.ClientWritesAsync("timeout-1");
        await EventuallyAsync(async () => await world.AssigneeAsync(chat) is not null, "the chat is assigned");
        var first = await world.AssigneeAsync(chat);
        var (holder, other) = first == anna.Id ? (anna, bohdan) : (bohdan, anna);
        var sweeper = app.Services.GetRequiredService<DistributionSweeper>();

        app.Time.Advance(TimeSpan.FromMinutes(2));
        await sweeper.SweepOnceAsync(CancellationToken.None);
        Assert.Equal(holder.Id, await world.AssigneeAsync(chat));

        app.Time.Advance(TimeSpan.FromMinutes(1));
        await sweeper.SweepOnceAsync(CancellationToken.None);

        Assert.Equal(other.Id, await world.AssigneeAsync(chat));
        Assert.Equal(["created", "assigned", "assigned"], await world.HistoryKindsAsync(chat));
        // Passed on, the chat has left the first manager's sight: too late to accept it.
        await AssertProblemAsync(await holder.Http.PostAsync($"/api/v1/conversations/{chat}/accept", null), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, (await other.Http.PostAsync($"/api/v1/conversations/{chat}/accept", null)).StatusCode);
    }

    [Fact]
    public async Task Queue_NobodyOnShift_WaitsThenOldestFirstUpToTheLimitAndInvisible()
    {
        await using var world = await CreateAsync(app);
        var maria = await world.ManagerAsync("Maria", chatLimit: 2);
        var chats = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            chats.Add(await world.ClientWritesAsync($"queue-{i}"));
            app.Time.Advance(TimeSpan.FromSeconds(30));
        }

        Assert.Equal(0, await world.DrainAsync());
        var board = await world.BoardAsync();
        Assert.Equal(3, board.GetProperty("queue").GetProperty("length").GetInt32());
        Assert.Equal(90, board.GetProperty("queue").GetProperty("longestWaitSeconds").GetInt32());
        Assert.Equal("offShift", Row(board, maria.Id).GetProperty("eligibility").GetString());

        var shift = await maria.StartShiftAsync();
        Assert.True(shift.GetProperty("onShift").GetBoolean());

        await EventuallyAsync(async () => await world.AssigneeAsync(chats[1]) is not null, "the two oldest chats are assigned");
        Assert.Equal(maria.Id, await world.AssigneeAsync(chats[0]));
        Assert.Null(await world.AssigneeAsync(chats[2]));
        board = await world.BoardAsync();
        Assert.Equal(1, board.GetProperty("queue").GetProperty("length").GetInt32());
        Assert.Equal(2, Row(board, maria.Id).GetProperty("openChats").GetInt32());
        Assert.Equal("invisible", Row(board, maria.Id).GetProperty("presence").GetString());

        // Below the limit again, Maria stays Invisible (the product's default) until she comes back Online herself.
        await maria.AcceptAndFinishAsync(chats[0]);
        Assert.Equal(0, await world.DrainAsync());
        Assert.Null(await world.AssigneeAsync(chats[2]));

        var online = await maria.SetPresenceAsync("online");
        Assert.Equal("online", online.GetProperty("presence").GetString());
        await EventuallyAsync(async () => await world.AssigneeAsync(chats[2]) == maria.Id, "the last chat reaches Maria");
    }

    [Fact]
    public async Task Limit_ResumeBelowLimit_StaysOnlineAndGetsTheNextChatWhenOneFinishes()
    {
        await using var world = await CreateAsync(app, new { mode = "automatic", resumeBelowLimit = true });
        var maria = await world.ManagerAsync("Maria", chatLimit: 1);
        await maria.StartShiftAsync();
        var first = await world.ClientWritesAsync("resume-1");
        await EventuallyAsync(async () => await world.AssigneeAsync(first) == maria.Id, "the first chat is assigned");
        app.Time.Advance(TimeSpan.FromSeconds(1));
        var second = await world.ClientWritesAsync("resume-2");
        Assert.Equal(0, await world.DrainAsync());
        Assert.Null(await world.AssigneeAsync(second));
        Assert.Equal("online", Row(await world.BoardAsync(), maria.Id).GetProperty("presence").GetString());

        await maria.AcceptAndFinishAsync(first);

        await EventuallyAsync(async () => await world.AssigneeAsync(second) == maria.Id, "the waiting chat follows the finished one");
    }

    [Fact]
    public async Task EndShift_AssignedNotAccepted_BackToQueueAndNoMoreChats()
    {
        await using var world = await CreateAsync(app);
        var maria = await world.ManagerAsync("Maria");
        await maria.StartShiftAsync();
        var chat = await world.ClientWritesAsync("end-shift-1");
        await EventuallyAsync(async () => await world.AssigneeAsync(chat) == maria.Id, "the chat is assigned");

        var ended = await maria.EndShiftAsync();
        Assert.False(ended.GetProperty("onShift").GetBoolean());
        await EventuallyAsync(async () => await world.AssigneeAsync(chat) is null, "the unaccepted chat returns to the queue");
        Assert.Equal(["created", "assigned", "unassigned"], await world.HistoryKindsAsync(chat));

        var later = await world.ClientWritesAsync("end-shift-2");
        Assert.Equal(0, await world.DrainAsync());
        Assert.Null(await world.AssigneeAsync(later));
    }

    [Fact]
    public async Task Invisible_OnShift_ReceivesNothingUntilOnline()
    {
        await using var world = await CreateAsync(app);
        var maria = await world.ManagerAsync("Maria");
        await maria.StartShiftAsync();
        await maria.SetPresenceAsync("invisible");
        var chat = await world.ClientWritesAsync("invisible-1");
        Assert.Equal(0, await world.DrainAsync());
        Assert.Null(await world.AssigneeAsync(chat));

        await maria.SetPresenceAsync("online");

        await EventuallyAsync(async () => await world.AssigneeAsync(chat) == maria.Id, "Online again, Maria receives the chat");
    }

    [Fact]
    public async Task AllowedChannels_ManagerLimitedToAnotherChannel_NotAssigned()
    {
        await using var world = await CreateAsync(app);
        var other = await CreateApiChannelAsync(world.Owner, world.Hook.Url, "Other shop");
        var maria = await world.ManagerAsync("Maria");
        var patched = await world.Owner.PatchAsJsonAsync($"/api/v1/team/{maria.Id}", new { allowedChannelIds = new[] { other.Id } });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        await maria.StartShiftAsync();

        var chat = await world.ClientWritesAsync("channel-1");
        Assert.Equal(0, await world.DrainAsync());
        Assert.Null(await world.AssigneeAsync(chat));

        var (onOther, _) = await ClientSaysAsync(world.Anonymous, other, $"channel-2-{world.Tag}", "Привіт");
        await EventuallyAsync(async () => await world.AssigneeAsync(onOther) == maria.Id, "the chat on Maria's channel reaches her");
    }

    [Fact]
    public async Task ManualMode_ManagersOnShift_NothingAssignedEveryoneSeesTheChat()
    {
        await using var world = await CreateAsync(app, new { mode = "manual" });
        var anna = await world.ManagerAsync("Anna");
        var bohdan = await world.ManagerAsync("Bohdan");
        await anna.StartShiftAsync();
        await bohdan.StartShiftAsync();

        var chat = await world.ClientWritesAsync("manual-1");

        Assert.Equal(0, await world.DrainAsync());
        Assert.Null(await world.AssigneeAsync(chat));
        foreach (var m in new[] { anna, bohdan })
            Assert.Equal("new", (await ConversationAsync(m.Http, chat)).GetProperty("folder").GetString());
    }

    [Fact]
    public async Task PreviousManager_ClientComesBack_SameManagerEvenWithMoreChats()
    {
        await using var world = await CreateAsync(app);
        var anna = await world.ManagerAsync("Anna");
        await anna.StartShiftAsync();
        var first = await world.ClientWritesAsync("previous-client");
        await EventuallyAsync(async () => await world.AssigneeAsync(first) == anna.Id, "the first chat reaches Anna");
        await anna.AcceptAndFinishAsync(first);
        var keep = await world.ClientWritesAsync("previous-other");
        await EventuallyAsync(async () => await world.AssigneeAsync(keep) == anna.Id, "another chat keeps Anna busy");
        var bohdan = await world.ManagerAsync("Bohdan");
        await bohdan.StartShiftAsync();
        app.Time.Advance(TimeSpan.FromSeconds(5));

        var again = await world.ClientWritesAsync("previous-client", "Це знову я");

        await EventuallyAsync(async () => await world.AssigneeAsync(again) is not null, "the returning client's chat is assigned");
        Assert.Equal(anna.Id, await world.AssigneeAsync(again));
    }

    [Fact]
    public async Task TeamHub_StartShiftDisconnectPastGrace_NoChatsThenReconnectGetsThem()
    {
        await using var world = await CreateAsync(app);
        var maria = await world.ManagerAsync("Maria");
        await using var ownerLive = await HubEvents.ConnectAsync(app, await OwnerEmailAsync(world));
        var boards = new List<JsonElement>();
        ownerLive.Hub.On<JsonElement>("distribution", b =>
        {
            lock (boards) boards.Add(b.Clone());
        });
        var live = await HubEvents.ConnectAsync(app, maria.Email);
        var started = await live.Hub.InvokeAsync<JsonElement>("StartShift");
        Assert.True(started.GetProperty("onShift").GetBoolean());
        await EventuallyAsync(() => Task.FromResult(BoardsShow(boards, maria.Id, r => r.GetProperty("onShift").GetBoolean())), "the owner sees Maria on shift live");

        await live.DisposeAsync();
        await EventuallyAsync(async () => Row(await world.BoardAsync(), maria.Id).GetProperty("disconnectedAt").ValueKind == JsonValueKind.String, "Maria's console is gone");
        app.Time.Advance(TimeSpan.FromSeconds(61));
        var chat = await world.ClientWritesAsync("grace-1");
        Assert.Equal(0, await world.DrainAsync());
        Assert.Null(await world.AssigneeAsync(chat));
        Assert.Equal("disconnected", Row(await world.BoardAsync(), maria.Id).GetProperty("eligibility").GetString());

        await using var back = await HubEvents.ConnectAsync(app, maria.Email);

        var assigned = await back.WaitAsync(e => e.IsConversationChanged(chat, "assigned"));
        Assert.Equal(maria.Id, assigned.Args[0].GetProperty("assigneeId").GetString());
        var invisible = await back.Hub.InvokeAsync<JsonElement>("SetPresence", "invisible");
        Assert.Equal("invisible", invisible.GetProperty("presence").GetString());
    }

    [Fact]
    public async Task Access_ManagerRefusedSupervisorAllowed_SettingsValidated()
    {
        await using var world = await CreateAsync(app);
        var maria = await world.ManagerAsync("Maria");
        using var supervisor = await app.SignInAsync(ParleyApp.SupervisorEmail);
        using var demoOwner = await app.SignInAsync(ParleyApp.OwnerEmail);

        await AssertProblemAsync(await maria.Http.GetAsync("/api/v1/distribution"), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await maria.Http.PatchAsJsonAsync("/api/v1/distribution/settings", new { mode = "manual" }), HttpStatusCode.Forbidden);
        await AssertProblemAsync(
            await maria.Http.PutAsJsonAsync($"/api/v1/distribution/members/{maria.Id}/schedule", new { schedule = Array.Empty<object>() }), HttpStatusCode.Forbidden);

        // The supervisor changes distribution, and only distribution: the rest of Settings → Company stays the owner's.
        var patched = await supervisor.PatchAsJsonAsync("/api/v1/distribution/settings", new { acceptTimeoutMinutes = 5, resumeBelowLimit = true });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var options = await Json(patched);
        Assert.Equal(5, options.GetProperty("acceptTimeoutMinutes").GetInt32());
        Assert.Equal("manual", options.GetProperty("mode").GetString());
        Assert.True(options.GetProperty("preferPreviousManager").GetBoolean());
        await AssertProblemAsync(await supervisor.PatchAsJsonAsync("/api/v1/settings/company", new { askWhetherResolved = true }), HttpStatusCode.Forbidden);
        Assert.Equal(5, (await GetJsonAsync(demoOwner, "/api/v1/settings/company")).GetProperty("distribution").GetProperty("acceptTimeoutMinutes").GetInt32());

        var bad = await AssertProblemAsync(
            await world.Owner.PatchAsJsonAsync("/api/v1/distribution/settings", new { mode = "roundRobin", disconnectGraceSeconds = -1, color = "red" }),
            HttpStatusCode.BadRequest);
        var errors = bad.GetProperty("errors");
        Assert.True(errors.TryGetProperty("mode", out _));
        Assert.True(errors.TryGetProperty("disconnectGraceSeconds", out _));
        Assert.True(errors.TryGetProperty("color", out _));
        Assert.Equal("automatic", (await GetJsonAsync(world.Owner, "/api/v1/distribution/settings")).GetProperty("mode").GetString());

        var presence = await AssertProblemAsync(await maria.Http.PutAsJsonAsync("/api/v1/me/presence", new { presence = "away" }), HttpStatusCode.BadRequest);
        Assert.True(presence.GetProperty("errors").TryGetProperty("presence", out _));
        var schedule = await AssertProblemAsync(await world.Owner.PutAsJsonAsync($"/api/v1/distribution/members/{maria.Id}/schedule",
            new { schedule = new[] { new { day = "monday", opens = "18:00", closes = "09:00" } } }), HttpStatusCode.BadRequest);
        Assert.True(schedule.GetProperty("errors").TryGetProperty("schedule", out _));
        Assert.Empty(Row(await world.BoardAsync(), maria.Id).GetProperty("shiftSchedule").EnumerateArray());
    }

    [Fact]
    public async Task Schedule_OpeningInCompanyZone_StartsShiftAndChatsFlowThenClosingEndsIt()
    {
        await using var world = await CreateAsync(app);
        var maria = await world.ManagerAsync("Maria");
        // The fake clock starts on Thursday 26 November 2026 at 12:00 in Kyiv (10:00 UTC); the company's zone is Kyiv.
        var now = app.Time.GetUtcNow().UtcDateTime;
        var kyiv = TimeZoneInfo.ConvertTimeFromUtc(now, TimeZoneInfo.FindSystemTimeZoneById("Europe/Kyiv"));
        var opens = TimeOnly.FromDateTime(kyiv).AddMinutes(1);
        var closes = opens.AddHours(1);
        var response = await world.Owner.PutAsJsonAsync($"/api/v1/distribution/members/{maria.Id}/schedule",
            new { schedule = new[] { new { day = kyiv.DayOfWeek.ToString(), opens = opens.ToString("HH:mm"), closes = closes.ToString("HH:mm") } } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var chat = await world.ClientWritesAsync("schedule-1");
        var sweeper = app.Services.GetRequiredService<DistributionSweeper>();
        await sweeper.SweepOnceAsync(CancellationToken.None);
        Assert.Null(await world.AssigneeAsync(chat));

        app.Time.Advance(TimeSpan.FromMinutes(1) - TimeSpan.FromSeconds(kyiv.Second) - TimeSpan.FromMilliseconds(kyiv.Millisecond));
        await sweeper.SweepOnceAsync(CancellationToken.None);

        Assert.True(Row(await world.BoardAsync(), maria.Id).GetProperty("onShift").GetBoolean());
        await EventuallyAsync(async () => await world.AssigneeAsync(chat) == maria.Id, "the waiting chat reaches Maria when her shift starts");

        app.Time.Advance(TimeSpan.FromHours(1));
        await sweeper.SweepOnceAsync(CancellationToken.None);
        Assert.False(Row(await world.BoardAsync(), maria.Id).GetProperty("onShift").GetBoolean());
    }

    private static async Task<string> OwnerEmailAsync(DistributionWorld world) =>
        (await GetJsonAsync(world.Owner, "/api/v1/me")).GetProperty("member").GetProperty("email").GetString()!;

    private static JsonElement Row(JsonElement board, string memberId) =>
        board.GetProperty("members").EnumerateArray().Single(m => m.GetProperty("id").GetString() == memberId);

    private static bool BoardsShow(List<JsonElement> boards, string memberId, Func<JsonElement, bool> match)
    {
        lock (boards)
        {
            return boards.Any(b => b.GetProperty("members").EnumerateArray().Any(m => m.GetProperty("id").GetString() == memberId && match(m)));
        }
    }
}

public sealed class AutomaticDistributionTests_Sqlite(SqliteApp app) : AutomaticDistributionTests<SqliteApp>(app);

public sealed class AutomaticDistributionTests_Postgres(PostgresApp app) : AutomaticDistributionTests<PostgresApp>(app);
