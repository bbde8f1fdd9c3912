using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Domain.Companies;
using Parley.Domain.Settings;
using Parley.Domain.Team;

namespace Parley.Server.Console;

/// <summary>What every console screen needs to show names instead of ids: the company's team, topics, tags and settings.</summary>
public sealed record ConsoleData(
    IReadOnlyDictionary<Guid, ConsoleData.Person> Team,
    IReadOnlyList<ConsoleData.Named> Topics,
    IReadOnlyList<ConsoleData.Named> Tags,
    IReadOnlyList<ConsoleData.Named> Channels,
    CompanySettings Settings,
    TimeZoneInfo Zone)
{
    public sealed record Person(Guid Id, string Name, string? AvatarUrl, Role Role, bool IsActive);

    public sealed record Named(Guid Id, string Name, string? Color = null);

    public string NameOf(Guid? memberId) => memberId is { } id && Team.TryGetValue(id, out var p) ? p.Name : "";

    public DateTime Local(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone);

    /// <summary>Company-scoped reads only; nothing here decides who may do what.</summary>
    public static async Task<ConsoleData> LoadAsync(ParleyDbContext db, TeamMember member, CancellationToken ct = default)
    {
        var company = await db.Companies.AsNoTracking().FirstAsync(c => c.Id == member.CompanyId, ct);
        var team = await db.TeamMembers.AsNoTracking().Where(m => m.CompanyId == member.CompanyId).OrderBy(m => m.Name)
            .Select(m => new Person(m.Id, m.Name, m.AvatarUrl, m.Role, m.IsActive)).ToListAsync(ct);
        var topics = await db.Topics.AsNoTracking().Where(t => t.CompanyId == member.CompanyId).OrderBy(t => t.Name)
            .Select(t => new Named(t.Id, t.Name, null)).ToListAsync(ct);
        var tags = await db.Tags.AsNoTracking().Where(t => t.CompanyId == member.CompanyId).OrderBy(t => t.Name)
            .Select(t => new Named(t.Id, t.Name, t.Color)).ToListAsync(ct);
        var channels = await db.Channels.AsNoTracking().Where(c => c.CompanyId == member.CompanyId).OrderBy(c => c.CreatedAt).ThenBy(c => c.Id)
            .Select(c => new Named(c.Id, c.Name, null)).ToListAsync(ct);
        return new ConsoleData(team.ToDictionary(p => p.Id), topics, tags, channels, company.Settings, TimeZones.Find(company.TimeZone));
    }
}
