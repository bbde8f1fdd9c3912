using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Domain.Distribution;
using Parley.Domain.Settings;
using Parley.Domain.Team;
using Parley.Server.Conversations;
using Parley.Server.Infrastructure;
using Parley.Server.Realtime;
using Parley.Server.Team;

namespace Parley.Server.Distribution;

public static class DistributionApi
{
    public static RouteGroupBuilder MapDistributionApi(this RouteGroupBuilder api)
    {
        var me = api.MapGroup("/me").WithTags("Distribution");
        me.MapGet("/shift", Mine).WithSummary("Own shift, presence, open chats against the limit, and whether new chats reach you now.");
        me.MapPost("/shift/start", StartShift).WithSummary("Start shift: take new chats (also comes back Online).");
        me.MapPost("/shift/end", EndShift).WithSummary("End shift: no new chats; assigned chats not yet accepted pass to others.");
        me.MapPut("/presence", SetPresence).WithSummary("{\"presence\":\"online\"|\"invisible\"}: Invisible takes no new chats while on shift.");

        var group = api.MapGroup("/distribution").WithTags("Distribution");
        group.MapGet("/", Board).WithSummary("Owner/supervisor: who is on shift and Online, open chats against limits, queue length and longest wait.");
        group.MapGet("/settings", Settings).WithSummary("Owner/supervisor: mode and options.");
        group.MapPatch("/settings", UpdateSettings)
            .WithSummary("Owner/supervisor. Send only the fields to change: mode (manual|automatic), preferPreviousManager, acceptTimeoutMinutes (null = never), resumeBelowLimit, disconnectGraceSeconds.");
        group.MapPut("/members/{id:guid}/schedule", SetSchedule)
            .WithSummary("Owner/supervisor: a member's weekly shift schedule in the company's time zone; an empty list turns it off.");
        return api;
    }

    private static async Task<IResult> Mine(HttpContext http, CurrentMember me, ShiftService shifts, CancellationToken ct) =>
        TypedResults.Ok(await shifts.MineAsync(await me.GetAsync(http.User, ct), ct));

    private static async Task<IResult> StartShift(HttpContext http, CurrentMember me, ShiftService shifts, CancellationToken ct) =>
        TypedResults.Ok(await shifts.StartShiftAsync(await me.GetAsync(http.User, ct), ct));

    private static async Task<IResult> EndShift(HttpContext http, CurrentMember me, ShiftService shifts, CancellationToken ct) =>
        TypedResults.Ok(await shifts.EndShiftAsync(await me.GetAsync(http.User, ct), ct));

    public sealed record PresenceRequest(Presence? Presence);

    private static async Task<IResult> SetPresence(PresenceRequest body, HttpContext http, CurrentMember me, ShiftService shifts, CancellationToken ct)
    {
        var member = await me.GetAsync(http.User, ct);
        if (body.Presence is not { } presence) return new Validation().Add("presence", "'presence' is required: online or invisible.").Problem();
        return TypedResults.Ok(await shifts.SetPresenceAsync(member, presence, ct));
    }

    private static async Task<IResult> Board(HttpContext http, CurrentMember me, ParleyDbContext db, TimeProvider time, CancellationToken ct)
    {
        var member = await me.GetAsync(http.User, ct);
        ConversationService.Ensure(Permissions.CanManageWorkspace(member));
        return TypedResults.Ok(await DistributionBoard.BuildAsync(db, member.CompanyId, time.GetUtcNow().UtcDateTime, ct));
    }

    private static async Task<IResult> Settings(HttpContext http, CurrentMember me, ParleyDbContext db, CancellationToken ct)
    {
        var member = await me.GetAsync(http.User, ct);
        ConversationService.Ensure(Permissions.CanManageWorkspace(member));
        return TypedResults.Ok((await db.Companies.AsNoTracking().Where(c => c.Id == member.CompanyId).Select(c => c.Settings).FirstAsync(ct)).Distribution);
    }

    /// <summary>
    /// Distribution is owner and supervisor business (Roles table) while the rest of Settings → Company is the owner's, so the
    /// options have their own PATCH; it merges field by field.
    /// </summary>
    private static async Task<IResult> UpdateSettings(
        JsonElement body, HttpContext http, CurrentMember me, ParleyDbContext db, IEventBus bus, DistributionWorker worker, CancellationToken ct)
    {
        var member = await me.GetAsync(http.User, ct);
        ConversationService.Ensure(Permissions.CanManageWorkspace(member));
        if (body.ValueKind != JsonValueKind.Object) return new Validation().Add("body", "Send a JSON object with the options to change.").Problem();

        var company = await db.Companies.FirstAsync(c => c.Id == member.CompanyId, ct);
        var s = company.Settings.Distribution;
        var v = Patch(body, s);
        foreach (var (field, error) in DistributionSettingsRules.Validate(s)) v.Add(field, error);
        if (!v.IsValid) return v.Problem();

        db.Entry(company).Property(c => c.Settings).IsModified = true;
        await db.SaveChangesAsync(ct);
        bus.Publish(new DistributionChanged(company.Id));
        worker.Request(company.Id);
        return TypedResults.Ok(s);
    }

    private static Validation Patch(JsonElement body, DistributionSettings s)
    {
        var v = new Validation();
        foreach (var p in body.EnumerateObject())
        {
            var value = p.Value;
            switch (p.Name)
            {
                case "mode" when value.ValueKind == JsonValueKind.String && Enum.TryParse<DistributionMode>(value.GetString(), true, out var mode)
                                 && Enum.IsDefined(mode) && !int.TryParse(value.GetString(), out _):
                    s.Mode = mode;
                    break;
                case "mode":
                    v.Add("mode", "'mode' must be manual or automatic.");
                    break;
                case "preferPreviousManager" or "resumeBelowLimit" when value.ValueKind is not (JsonValueKind.True or JsonValueKind.False):
                    v.Add(p.Name, $"'{p.Name}' must be true or false.");
                    break;
                case "preferPreviousManager":
                    s.PreferPreviousManager = value.GetBoolean();
                    break;
                case "resumeBelowLimit":
                    s.ResumeBelowLimit = value.GetBoolean();
                    break;
                case "acceptTimeoutMinutes" when value.ValueKind == JsonValueKind.Null:
                    s.AcceptTimeoutMinutes = null;
                    break;
                case "acceptTimeoutMinutes" when value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var minutes):
                    s.AcceptTimeoutMinutes = minutes;
                    break;
                case "acceptTimeoutMinutes":
                    v.Add(p.Name, "'acceptTimeoutMinutes' must be whole minutes from 1 to 1440, or null for never.");
                    break;
                case "disconnectGraceSeconds" when value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var seconds):
                    s.DisconnectGraceSeconds = seconds;
                    break;
                case "disconnectGraceSeconds":
                    v.Add(p.Name, "'disconnectGraceSeconds' must be from 0 to 3600.");
                    break;
                default:
                    v.Add(p.Name, $"'{p.Name}' is not a distribution option.");
                    break;
            }
        }

        return v;
    }

    public sealed record ScheduleRequest(List<BusinessInterval>? Schedule);

    private static async Task<IResult> SetSchedule(Guid id, ScheduleRequest body, HttpContext http, CurrentMember me, ShiftService shifts, CancellationToken ct)
    {
        var member = await me.GetAsync(http.User, ct);
        ConversationService.Ensure(Permissions.CanManageWorkspace(member));
        var v = new Validation().Check(body.Schedule is not null, "schedule", "'schedule' is required: a list of {\"day\":\"monday\",\"opens\":\"09:00\",\"closes\":\"18:00\"} (empty turns it off).");
        foreach (var error in Shifts.Validate(body.Schedule ?? [])) v.Add("schedule", error);
        if (!v.IsValid) return v.Problem();
        return TypedResults.Ok(await shifts.SetScheduleAsync(member, id, body.Schedule!, ct));
    }
}
