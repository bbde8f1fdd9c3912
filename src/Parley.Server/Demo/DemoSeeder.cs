using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Domain.Catalog;
using Parley.Domain.Channels;
using Parley.Domain.Companies;
using Parley.Domain.Team;
using Parley.Server.Team;

namespace Parley.Server.Demo;

/// <summary>
/// On an empty database (and when Parley:Demo:Seed is on — the default in Development) creates a demo company with an
/// owner, a supervisor and a manager, topics, tags and quick replies, and prints the credentials once.
/// </summary>
public sealed class DemoSeeder(ParleyDbContext db, SignIn signIn, IConfiguration configuration, TimeProvider time, ILogger<DemoSeeder> logger)
{
    public static readonly string[] Emails = ["owner@demo.local", "supervisor@demo.local", "manager@demo.local"];

    public async Task<bool> SeedAsync(CancellationToken ct = default)
    {
        if (await db.Companies.AnyAsync(ct)) return false;
        var now = time.GetUtcNow().UtcDateTime;
        var password = configuration["Parley:Demo:Password"] is { Length: > 0 } configured ? configured : NewPassword();

        var company = new Company { Name = "Demo Company", TimeZone = "Europe/Kyiv", CreatedAt = now };
        db.Companies.Add(company);
        var members = new[]
        {
            new TeamMember { CompanyId = company.Id, Email = Emails[0], Name = "Olena Owner", Role = Role.Owner, CreatedAt = now },
            new TeamMember { CompanyId = company.Id, Email = Emails[1], Name = "Stepan Supervisor", Role = Role.Supervisor, CreatedAt = now },
            new TeamMember { CompanyId = company.Id, Email = Emails[2], Name = "Maria Manager", Role = Role.Manager, ChatLimit = 10, CreatedAt = now },
        };
        db.TeamMembers.AddRange(members);
        db.Topics.AddRange(
            new Topic { CompanyId = company.Id, Name = "Доставка / Delivery" },
            new Topic { CompanyId = company.Id, Name = "Оплата / Payment" },
            new Topic { CompanyId = company.Id, Name = "Повернення / Returns" });
        db.Tags.AddRange(
            new Tag { CompanyId = company.Id, Name = "VIP", Color = "#f9a825" },
            new Tag { CompanyId = company.Id, Name = "Wholesale", Color = "#1e88e5" });
        db.QuickReplies.AddRange(
            new QuickReply
            {
                CompanyId = company.Id, Shortcut = "hello", Title = "Greeting", CreatedAt = now,
                Variants = new() { ["uk"] = "Добрий день, {client.name}! Чим можу допомогти?", ["en"] = "Hello, {client.name}! How can I help you?" },
            },
            new QuickReply
            {
                CompanyId = company.Id, Shortcut = "thanks", Title = "Thank you", CreatedAt = now,
                Variants = new() { ["uk"] = "Дякуємо за звернення! Гарного дня.", ["en"] = "Thank you for contacting us! Have a nice day." },
            });
        db.Channels.Add(new Channel
        {
            CompanyId = company.Id, Type = ChannelType.Widget, Name = "Demo site", CreatedAt = now,
            Secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
        });

        await using var tx = await db.BeginWriteTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        foreach (var member in members)
        {
            var result = await signIn.CreateAccountAsync(member, password);
            if (!result.Succeeded) throw new InvalidOperationException("Demo account: " + string.Join(" ", result.Errors.Select(e => e.Description)));
        }

        await tx.CommitAsync(ct);
#pragma warning disable CA1873 // printed once, at start-up
        logger.LogWarning(
            "Demo company seeded. Sign in with {Owner}, {Supervisor} or {Manager} and the password {Password} (shown only now).",
            Emails[0], Emails[1], Emails[2], password);
#pragma warning restore CA1873
        return true;
    }

    private static string NewPassword() => "Demo-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
}
