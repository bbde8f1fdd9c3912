using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Domain.Common;
using Parley.Domain.Companies;
using Parley.Domain.Settings;
using Parley.Domain.SystemMessages;
using Parley.Domain.Team;
using Parley.Server.Conversations;
using Parley.Server.Infrastructure;
using Parley.Server.Team;

namespace Parley.Server.Settings;

public static class SettingsApi
{
    public static RouteGroupBuilder MapSettingsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/settings").WithTags("Settings");
        group.MapGet("/company", Get).WithSummary("Settings → Company (every member may read; the console needs them).");
        group.MapPatch("/company", Update).WithSummary("Owner only. Send only the fields to change; inactivityCloseMinutes: null turns it off.");
        group.MapGet("/templates", Templates).WithSummary("System-message templates per kind and language: the company's text or the built-in one.");
        group.MapPut("/templates/{kind}/{language}", SetTemplate).WithSummary("Owner only. An empty text turns that message off; DELETE restores the built-in one.");
        group.MapDelete("/templates/{kind}/{language}", ResetTemplate);
        return api;
    }

    public sealed record CompanySettingsDto(
        string Name, string TimeZone, string MainLanguage, bool NotifyOnManagerChange, bool AskWhetherResolved, bool RatingRequired, bool ShowTopics,
        bool TopicRequired, bool ForbidEditing, bool ForbidDeleting, bool ManagersMayChangeManager, bool ManagersMayBlockClients,
        int? InactivityCloseMinutes, bool BusinessHoursEnabled, IReadOnlyList<BusinessInterval> BusinessHours, DistributionSettings Distribution);

    private static CompanySettingsDto ToDto(Company c)
    {
        var s = c.Settings;
        return new(c.Name, c.TimeZone, s.MainLanguage, s.NotifyOnManagerChange, s.AskWhetherResolved, s.RatingRequired, s.ShowTopics, s.TopicRequired,
            s.ForbidEditing, s.ForbidDeleting, s.ManagersMayChangeManager, s.ManagersMayBlockClients, s.InactivityCloseMinutes, s.BusinessHoursEnabled,
            s.BusinessHours.Intervals, s.Distribution);
    }

    private static async Task<IResult> Get(HttpContext http, CurrentMember me, ParleyDbContext db, CancellationToken ct)
    {
        var member = await me.GetAsync(http.User, ct);
        return TypedResults.Ok(ToDto(await db.Companies.AsNoTracking().FirstAsync(c => c.Id == member.CompanyId, ct)));
    }

    /// <summary>A PATCH body: a field that is absent stays; <c>inactivityCloseMinutes: null</c> is a value (off).</summary>
    private static async Task<IResult> Update(System.Text.Json.JsonElement body, HttpContext http, CurrentMember me, ParleyDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await UpdateAsync(db, await me.GetAsync(http.User, ct), body, ct));

    public static async Task<CompanySettingsDto> GetAsync(ParleyDbContext db, TeamMember member, CancellationToken ct) =>
        ToDto(await db.Companies.AsNoTracking().FirstAsync(c => c.Id == member.CompanyId, ct));

    /// <summary>The use case behind PATCH /settings/company, shared with the console (which sends the same JSON).</summary>
    public static async Task<CompanySettingsDto> UpdateAsync(ParleyDbContext db, TeamMember member, System.Text.Json.JsonElement body, CancellationToken ct)
    {
        ConversationService.Ensure(Permissions.CanManageCompany(member));
        if (body.ValueKind != System.Text.Json.JsonValueKind.Object) new Validation().Add("body", "Send a JSON object with the settings to change.").ThrowIfInvalid();

        var company = await db.Companies.FirstAsync(c => c.Id == member.CompanyId, ct);
        var patch = new SettingsPatch(body);
        patch.ApplyTo(company).ThrowIfInvalid();
        db.Entry(company).Property(c => c.Settings).IsModified = true;
        await db.SaveChangesAsync(ct);
        return ToDto(company);
    }

    public sealed record TemplateDto(SystemMessageKind Kind, string Language, string Text, bool IsCustom);

    private static async Task<IResult> Templates(HttpContext http, CurrentMember me, ParleyDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await TemplatesAsync(db, await me.GetAsync(http.User, ct), ct));

    public static async Task<List<TemplateDto>> TemplatesAsync(ParleyDbContext db, TeamMember member, CancellationToken ct)
    {
        var custom = await db.SystemMessageTemplates.AsNoTracking().Where(t => t.CompanyId == member.CompanyId).ToListAsync(ct);
        var languages = BuiltInTemplates.Languages.Concat(custom.Select(t => t.Language)).Distinct();
        var rows = from kind in Enum.GetValues<SystemMessageKind>()
                   from language in languages
                   let own = custom.FirstOrDefault(t => t.Kind == kind && t.Language == language)
                   let text = own?.Text ?? BuiltInTemplates.Find(kind, language)
                   where text is not null
                   select new TemplateDto(kind, language, text, own is not null);
        return rows.ToList();
    }

    public sealed record TemplateRequest(string? Text);

    private static async Task<IResult> SetTemplate(string kind, string language, TemplateRequest body, HttpContext http, CurrentMember me, ParleyDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await SetTemplateAsync(db, await me.GetAsync(http.User, ct), kind, language, body, ct));

    public static async Task<TemplateDto> SetTemplateAsync(ParleyDbContext db, TeamMember member, string kind, string language, TemplateRequest body, CancellationToken ct)
    {
        ConversationService.Ensure(Permissions.CanManageCompany(member));
        var v = new Validation()
            .Check(Enum.TryParse<SystemMessageKind>(kind, true, out var k) && !int.TryParse(kind, out _), "kind", $"'kind' must be one of {string.Join(", ", Enum.GetNames<SystemMessageKind>())}.")
            .Check(Languages.Normalize(language) == language, "language", "'language' must be a code such as uk or en.")
            .Check(body.Text is not null, "text", "'text' is required (empty turns the message off).")
            .MaxLength("text", body.Text, 4000);
        v.ThrowIfInvalid();
        var row = await db.SystemMessageTemplates.FirstOrDefaultAsync(t => t.CompanyId == member.CompanyId && t.Kind == k && t.Language == language, ct);
        if (row is null) db.SystemMessageTemplates.Add(row = new SystemMessageTemplate { CompanyId = member.CompanyId, Kind = k, Language = language });
        row.Text = body.Text!;
        await db.SaveChangesAsync(ct);
        return new TemplateDto(k, language, row.Text, true);
    }

    private static async Task<IResult> ResetTemplate(string kind, string language, HttpContext http, CurrentMember me, ParleyDbContext db, CancellationToken ct)
    {
        await ResetTemplateAsync(db, await me.GetAsync(http.User, ct), kind, language, ct);
        return TypedResults.NoContent();
    }

    public static async Task ResetTemplateAsync(ParleyDbContext db, TeamMember member, string kind, string language, CancellationToken ct)
    {
        ConversationService.Ensure(Permissions.CanManageCompany(member));
        if (!Enum.TryParse<SystemMessageKind>(kind, true, out var k)) throw new RuleViolationException(Decision.NotFound(RefusalCodes.TemplateNotFound, "No such template."));
        await db.SystemMessageTemplates.Where(t => t.CompanyId == member.CompanyId && t.Kind == k && t.Language == language).ExecuteDeleteAsync(ct);
    }
}
