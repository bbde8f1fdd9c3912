using System.Diagnostics;
using System.Globalization;

namespace Parley.Bench.Data;

/// <summary>
/// Seeds the demo company with C conversations and M messages straight into the database (or reuses a database that
/// already has them), then measures what a team member waits for at that scale, through the real HTTP API, as the owner
/// and as a Manager-role member: the inbox's first page per folder with and without filters, the folder counts,
/// opening a conversation, and full-text search. Each measure warms up, then runs for a fixed time, one request at a time.
/// </summary>
public sealed class DataScenario : IScenario
{
    public async Task RunAsync(BenchArgs args, Report report, CancellationToken ct)
    {
        var conversations = args.Number("conversations", 1_000_000);
        var plan = new SeedPlan(
            conversations, long.Parse(args.Get("messages", "10000000"), CultureInfo.InvariantCulture), args.Number("clients", conversations * 6 / 10),
            args.Number("managers", 20), args.Number("days", 365), args.Number("seed", 8));
        var duration = TimeSpan.FromSeconds(args.Fraction("duration", 5));
        var warmup = TimeSpan.FromSeconds(args.Fraction("warmup", 1));
        var managerEmail = args.Get("manager-email", "manager@demo.local");
        // --only tag,search: just the measures whose name contains one of the words (a quicker round on one change).
        var only = args.Get("only")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

        using var owner = await ParleyApi.SignInOwnerAsync(args, ct);
        using var manager = await ParleyApi.SignInAsync(args.Url, managerEmail, args.Get("password")!, ct);
        // The seeded open chats are as old as the seeding: with the rule on (the demo's 15 minutes), the server's sweep would
        // archive them while the measures run, a few thousand writes and board refreshes that are not what is measured,
        // and a kept database would lose its open folders from run to run.
        await owner.PatchAsync("api/v1/settings/company", new { inactivityCloseMinutes = (int?)null }, ct);

        Sample sample;
        var days = plan.Days;
        await using (var db = await ISeedTarget.OpenAsync(args.Get("database") ?? throw new ArgumentException("--database sqlite:PATH or postgres:CONNECTION is required (scripts/bench passes it).")))
        {
            var company = await DemoCompany.FindAsync(db, args.Get("email", "owner@demo.local"), managerEmail);
            var existing = await db.ScalarAsync<long>("SELECT COUNT(*) FROM \"Conversations\" WHERE \"CompanyId\" = $1", company.Id);
            if (existing >= plan.Conversations) report.Note($"the database already had {existing:N0} conversations in the company: seeding skipped.");
            else await new DataSeeder(db, plan, report).SeedAsync(company, ct);
            report.Value("conversations in the company", await db.ScalarAsync<long>("SELECT COUNT(*) FROM \"Conversations\" WHERE \"CompanyId\" = $1", company.Id), "");
            report.Value("messages in the company", await db.ScalarAsync<long>("SELECT COUNT(*) FROM \"Messages\" WHERE \"CompanyId\" = $1", company.Id), "");
            sample = await Sample.TakeAsync(db, company, days);
        }

        var firstPage = await owner.GetAsync("api/v1/conversations?folder=archived", ct);
        // The server's own search finds a seeded message by its order number (its search index is filled, whether seeded
        // now or before); a rare string, so that the check stays quick at any size.
        var found = await owner.GetAsync($"api/v1/conversations?folder={sample.Probe.Folder.ToLowerInvariant()}&q={Uri.EscapeDataString(sample.Probe.Order)}", ct);
        if (found["items"]?.AsArray().Any(c => (Guid?)c?["id"] == sample.Probe.ConversationId) != true)
            throw new InvalidOperationException($"The server's search for '{sample.Probe.Order}' did not find conversation {sample.Probe.ConversationId}: is the search index filled?");
        var cursor = (string?)firstPage["nextCursor"] ?? "";
        foreach (var (name, api, path) in Measures(sample, owner, manager, cursor))
        {
            if (only.Length > 0 && !only.Any(word => name.Contains(word, StringComparison.OrdinalIgnoreCase))) continue;
            var latency = new Latency();
            await RunAsync(api, path, warmup, null, report, name, ct);
            await RunAsync(api, path, duration, latency, report, name, ct);
            report.Latency(name, latency);
        }
    }

    /// <summary>What is measured: the name, who asks, and the request (a new one each time, from a seeded random).</summary>
    private static IEnumerable<(string Name, ParleyApi Api, Func<Random, string> Path)> Measures(Sample s, ParleyApi owner, ParleyApi manager, string cursor)
    {
        const string inbox = "api/v1/conversations";
        foreach (var (role, api, own) in new[] { ("owner", owner, s.OwnerConversations), ("manager", manager, s.ManagerConversations) })
        {
            foreach (var folder in new[] { "new", "active", "archived" }) yield return ($"{role}: inbox {folder}", api, _ => $"{inbox}?folder={folder}");
            yield return ($"{role}: inbox archived, page 2", api, _ => $"{inbox}?folder=archived&cursor={cursor}");
            yield return ($"{role}: inbox archived, platform", api, r => $"{inbox}?folder=archived&platform={Pick(r, "telegram", "instagram", "whatsapp", "viber")}");
            yield return ($"{role}: inbox active, chats=mine", api, _ => $"{inbox}?folder=active&chats=mine");
            yield return ($"{role}: inbox archived, tag", api, r => $"{inbox}?folder=archived&tag={s.TagIds[r.Next(s.TagIds.Length)]}");
            yield return ($"{role}: inbox archived, language", api, r => $"{inbox}?folder=archived&language={Pick(r, "uk", "en", "pl", "de")}");
            yield return ($"{role}: inbox archived, last 7 days", api, _ => $"{inbox}?folder=archived&period=7d");
            yield return ($"{role}: folder counts", api, _ => $"{inbox}/counts");
            yield return ($"{role}: open conversation", api, r => $"{inbox}/{own[r.Next(own.Length)]}");
            yield return ($"{role}: open conversation, messages", api, r => $"{inbox}/{own[r.Next(own.Length)]}/messages");
            yield return ($"{role}: search client surname", api, r => $"{inbox}?q={Uri.EscapeDataString(Synthetic.UkrainianSurname(r))}");
            yield return ($"{role}: search city (uk)", api, r => $"{inbox}?q={Uri.EscapeDataString(Synthetic.Pick(r, Synthetic.UkrainianCities))}");
            yield return ($"{role}: search city (en)", api, r => $"{inbox}?q={Uri.EscapeDataString(Synthetic.Pick(r, Synthetic.EnglishCities))}");
            yield return ($"{role}: search order number", api, r => $"{inbox}?q={Uri.EscapeDataString(Synthetic.OrderNumber(r))}");
        }
    }

    private static string Pick(Random r, params string[] items) => items[r.Next(items.Length)];

    private static async Task RunAsync(ParleyApi api, Func<Random, string> path, TimeSpan time, Latency? latency, Report report, string name, CancellationToken ct)
    {
        var random = new Random(name.Length);
        var until = Stopwatch.GetTimestamp() + (long)(time.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < until && !ct.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await api.GetAsync(path(random), ct);
                latency?.AddSince(started);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                report.Error($"{name} failed", e.Message);
            }
        }
    }

    /// <summary>What the members ask about: conversations each may open (picked at random by id), and the tags.</summary>
    private sealed record Sample(Guid[] OwnerConversations, Guid[] ManagerConversations, Guid[] TagIds, (Guid ConversationId, string Folder, string Order) Probe)
    {
        private const int Size = 300;

        public static async Task<Sample> TakeAsync(ISeedTarget db, DemoCompany company, int days)
        {
            var random = new Random(days);
            async Task<Guid[]> Pick(string sql, params object[] values)
            {
                var ids = new HashSet<Guid>();
                for (var i = 0; i < Size * 3 && ids.Count < Size; i++)
                {
                    // Ids are time-ordered: the first id after a random moment is a random conversation.
                    var at = DateTimeOffset.UtcNow.AddDays(-days * random.NextDouble());
                    var id = await db.ScalarAsync<Guid>(sql, [.. values, Guid.CreateVersion7(at)]);
                    if (id != Guid.Empty) ids.Add(id);
                }

                return ids.Count > 0 ? [.. ids] : throw new InvalidOperationException("No conversations to open: is the company seeded?");
            }

            var all = await Pick("SELECT \"Id\" FROM \"Conversations\" WHERE \"CompanyId\" = $1 AND \"Id\" >= $2 ORDER BY \"Id\" LIMIT 1", company.Id);
            var own = await Pick(
                "SELECT \"Id\" FROM \"Conversations\" WHERE \"CompanyId\" = $1 AND \"AssigneeId\" = $2 AND \"Id\" >= $3 ORDER BY \"Id\" LIMIT 1", company.Id, company.ManagerId);
            var tags = new List<Guid>();
            for (var i = 0; ; i++)
            {
                var tag = await db.ScalarAsync<Guid>($"SELECT \"Id\" FROM \"Tags\" WHERE \"CompanyId\" = $1 ORDER BY \"Id\" LIMIT 1 OFFSET {i}", company.Id);
                if (tag == Guid.Empty) break;
                tags.Add(tag);
            }

            // A seeded message with an order number in it, and its conversation's folder.
            var conversation = await db.ScalarAsync<Guid>(
                "SELECT \"ConversationId\" FROM \"Messages\" WHERE \"CompanyId\" = $1 AND \"Text\" LIKE '%#%' ORDER BY \"Id\" LIMIT 1", company.Id);
            var text = await db.ScalarAsync<string>(
                "SELECT \"Text\" FROM \"Messages\" WHERE \"ConversationId\" = $1 AND \"Text\" LIKE '%#%' ORDER BY \"Id\" LIMIT 1", conversation);
            var folder = await db.ScalarAsync<string>("SELECT \"Folder\" FROM \"Conversations\" WHERE \"Id\" = $1", conversation);
            var order = text is null ? null : System.Text.RegularExpressions.Regex.Match(text, "#[0-9]+").Value;
            if (string.IsNullOrEmpty(order) || folder is null) throw new InvalidOperationException("No seeded message with an order number in it.");
            return new Sample(all, own, [.. tags], (conversation, folder, order));
        }
    }
}
