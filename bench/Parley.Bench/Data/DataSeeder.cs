using System.Diagnostics;

namespace Parley.Bench.Data;

/// <summary>What to seed into the demo company.</summary>
public sealed record SeedPlan(int Conversations, long Messages, int Clients, int Managers, int Days, int Seed);

/// <summary>
/// Fills the demo company with a history like a busy shop's: most conversations archived, a few active with managers,
/// a few new; every platform, several languages, topics on some conversations and tags on some clients. Rows go
/// straight into the database; each conversation is planned from its own random seed, so its messages can be made
/// again for the messages pass instead of held in memory.
/// </summary>
public sealed class DataSeeder(ISeedTarget db, SeedPlan plan, Report report)
{
    private static readonly (string Type, double Share)[] Platforms =
        [("Widget", 0.4), ("Telegram", 0.25), ("Instagram", 0.12), ("WhatsApp", 0.1), ("Messenger", 0.08), ("Viber", 0.03), ("Api", 0.02)];

    private static readonly string[] ExtraTopics = ["Гарантія / Warranty", "Обмін / Exchange", "Знижки / Discounts", "Акаунт / Account", "Скарга / Complaint"];

    private static readonly string[] ExtraTags = ["Blogger", "Problem client", "B2B", "Loyal"];

    private readonly DateTime _now = DateTime.UtcNow;
    private Guid[] _clientIds = [];
    private byte[] _clientLanguages = [];
    private Guid[] _conversationIds = [];
    private Dictionary<string, Guid> _channels = [];
    private Guid[] _assignees = [];
    private Guid[] _topics = [];

    public async Task SeedAsync(DemoCompany company, CancellationToken ct)
    {
        var total = Stopwatch.StartNew();
        _channels = await ChannelsAsync(company);
        _assignees = [company.ManagerId, .. await ManagersAsync(company)];
        _topics = [.. await CatalogAsync(company, "Topics", ExtraTopics, name => [Guid.CreateVersion7(), name, company.Id], ["Id", "Name", "CompanyId"])];
        var tags = await CatalogAsync(company, "Tags", ExtraTags, name => [Guid.CreateVersion7(), name, "#607d8b", company.Id], ["Id", "Name", "Color", "CompanyId"]);

        // The big tables load bare: their secondary indexes and the triggers that keep the folder counts and search indexes
        // are put back afterwards, and what the triggers would have kept is rebuilt once from the loaded rows.
        string[] big = ["Clients", "Conversations", "Messages"];
        // The clients' tags load with the clients, and their triggers move tag counts.
        var restoreTriggers = await db.SuspendTriggersAsync([.. big, "ClientTags"]);
        var restoreIndexes = new List<Func<Task>>();
        try
        {
            foreach (var table in big) restoreIndexes.Add(await db.DropIndexesAsync(table));
            await Timed("seed clients", () => ClientsAsync(company, tags, ct));
            await Timed("seed conversations", () => db.WriteAsync("Conversations", ConversationColumns, Conversations(company), ct));
            await Timed("seed conversation topics", () => db.WriteAsync("ConversationTopics", ["ConversationId", "TopicId"], ConversationTopics(), ct));
            await Timed("seed messages", () => db.WriteAsync("Messages", MessageColumns, Messages(company), ct));
        }
        finally
        {
            // Also after a failed load: a database left without its triggers would go wrong quietly from then on.
            await Timed("indexes", async () =>
            {
                foreach (var restore in restoreIndexes) await restore();
            });
            await restoreTriggers((name, run) => Timed(name, run));
        }

        await Timed("analyze", db.AnalyzeAsync);
        await Timed("verify", () => VerifyAsync(company));
        report.Value("seed total", total.Elapsed.TotalSeconds, "s");
    }

    /// <summary>The word the seeded messages are searched for, and the server's search is checked with.</summary>
    public const string SearchWord = "London";

    /// <summary>
    /// What the triggers would have kept is exact: every counter row (folder and tag counts) equals a fresh count of the
    /// conversations (and there is no other), and the message search index finds exactly the messages that contain a seeded word — some of them.
    /// </summary>
    private async Task VerifyAsync(DemoCompany company)
    {
        const string zero = "'00000000-0000-0000-0000-000000000000'";
        const string counted = $"""
            SELECT "CompanyId", "Folder", COALESCE("AssigneeId", {zero}) AS "AssigneeId", "ChannelType", "IsAiHandled", COALESCE("Language", '') AS "Language", COUNT(*) AS "Count"
            FROM "Conversations" GROUP BY "CompanyId", "Folder", COALESCE("AssigneeId", {zero}), "ChannelType", "IsAiHandled", COALESCE("Language", '')
            """;
        const string kept = """
            SELECT "CompanyId", "Folder", "AssigneeId", "ChannelType", "IsAiHandled", "Language", "Count" FROM "ConversationCounts" WHERE "Count" <> 0
            """;
        var wrong = await db.ScalarAsync<long>($"SELECT (SELECT COUNT(*) FROM ({counted} EXCEPT {kept}) a) + (SELECT COUNT(*) FROM ({kept} EXCEPT {counted}) b)");
        var total = await db.ScalarAsync<long>("SELECT SUM(\"Count\") FROM \"ConversationCounts\" WHERE \"CompanyId\" = $1", company.Id);
        var conversations = await db.ScalarAsync<long>("SELECT COUNT(*) FROM \"Conversations\" WHERE \"CompanyId\" = $1", company.Id);
        if (wrong != 0 || total != conversations)
            throw new InvalidOperationException($"The folder counts are wrong after seeding: {wrong} counter rows differ from a fresh count; they add up to {total:N0} of {conversations:N0} conversations.");
        Console.Error.WriteLine($"data: folder counts exact ({total:N0} conversations)");

        const string tagCounted = $"""
            SELECT c."CompanyId", t."TagId", COALESCE(c."AssigneeId", {zero}) AS "AssigneeId", c."Folder", COUNT(*) AS "Count"
            FROM "ClientTags" t JOIN "Conversations" c ON c."ClientId" = t."ClientId" GROUP BY c."CompanyId", t."TagId", COALESCE(c."AssigneeId", {zero}), c."Folder"
            """;
        const string tagKept = """SELECT "CompanyId", "TagId", "AssigneeId", "Folder", "Count" FROM "TagCounts" WHERE "Count" <> 0""";
        var tagWrong = await db.ScalarAsync<long>($"SELECT (SELECT COUNT(*) FROM ({tagCounted} EXCEPT {tagKept}) a) + (SELECT COUNT(*) FROM ({tagKept} EXCEPT {tagCounted}) b)");
        if (tagWrong != 0) throw new InvalidOperationException($"The tag counts are wrong after seeding: {tagWrong} counter rows differ from a fresh count.");
        Console.Error.WriteLine("data: tag counts exact");

        var (indexed, scanned) = await db.SearchMessagesAsync(SearchWord);
        if (indexed != scanned || indexed == 0)
            throw new InvalidOperationException($"The search index finds {indexed:N0} messages with '{SearchWord}', reading them all finds {scanned:N0}.");
        Console.Error.WriteLine($"data: search index exact ({indexed:N0} messages with '{SearchWord}')");
    }

    private async Task Timed(string name, Func<Task> step)
    {
        var watch = Stopwatch.StartNew();
        Console.Error.WriteLine($"data: {name} ...");
        await step();
        report.Value(name, watch.Elapsed.TotalSeconds, "s");
        Console.Error.WriteLine($"data: {name} took {watch.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>One channel per platform (the demo's widget, and disabled ones for the rest, so no worker calls out).</summary>
    private async Task<Dictionary<string, Guid>> ChannelsAsync(DemoCompany company)
    {
        var channels = new Dictionary<string, Guid> { ["Widget"] = company.WidgetChannelId };
        var rows = new List<object?[]>();
        foreach (var (type, _) in Platforms.Where(p => p.Type != "Widget"))
        {
            channels[type] = Guid.CreateVersion7();
            rows.Add([channels[type], type, $"Bench {type}", false, Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()),
                Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()), "{}", _now, company.Id]);
        }

        await db.WriteAsync("Channels", ["Id", "Type", "Name", "IsEnabled", "Secret", "PublicToken", "SettingsJson", "CreatedAt", "CompanyId"], rows, CancellationToken.None);
        return channels;
    }

    /// <summary>Extra Manager-role members, off shift so that distribution leaves them alone.</summary>
    private async Task<Guid[]> ManagersAsync(DemoCompany company)
    {
        var ids = Enumerable.Range(0, plan.Managers).Select(_ => Guid.CreateVersion7()).ToArray();
        await db.WriteAsync("TeamMembers",
            ["Id", "Email", "Name", "Role", "IsActive", "Presence", "OnShift", "AllowedChannelIds", "ShiftSchedule", "CreatedAt", "CompanyId"],
            ids.Select((id, i) => new object?[] { id, $"data-manager-{i}@demo.local", $"Data Manager {i}", "Manager", true, "Online", false, Array.Empty<Guid>(), "[]", _now, company.Id }),
            CancellationToken.None);
        return ids;
    }

    private async Task<Guid[]> CatalogAsync(DemoCompany company, string table, string[] names, Func<string, object?[]> row, string[] columns)
    {
        await db.WriteAsync(table, columns, names.Select(row), CancellationToken.None);
        var all = new List<Guid>();
        for (var i = 0; ; i++)
        {
            var id = await db.ScalarAsync<Guid>($"SELECT \"Id\" FROM \"{table}\" WHERE \"CompanyId\" = $1 ORDER BY \"Id\" LIMIT 1 OFFSET {i}", company.Id);
            if (id == Guid.Empty) return [.. all];
            all.Add(id);
        }
    }

    private async Task ClientsAsync(DemoCompany company, Guid[] tags, CancellationToken ct)
    {
        _clientIds = new Guid[plan.Clients];
        _clientLanguages = new byte[plan.Clients];
        var first = _now.AddDays(-plan.Days - 30);
        var rows = Enumerable.Range(0, plan.Clients).Select(i =>
        {
            var r = new Random(StableSeed.Of(plan.Seed, StableSeed.Clients, i));
            var language = Synthetic.Language(r);
            _clientLanguages[i] = (byte)Array.FindIndex(Synthetic.Languages, l => l.Code == language);
            var created = first.AddSeconds((plan.Days + 30) * 86400.0 * i / plan.Clients);
            var id = _clientIds[i] = Guid.CreateVersion7(created);
            var name = Synthetic.Name(r, language);
            var login = $"{name.Split(' ')[1].ToLowerInvariant()}{r.Next(10_000)}";
            return new object?[]
            {
                id, r.NextDouble() < 0.9 ? name : null, r.NextDouble() < 0.3 ? login : null,
                r.NextDouble() < 0.25 ? $"client{i}@example.com" : null, r.NextDouble() < 0.3 ? $"+380{r.Next(500_000_000, 999_999_999)}" : null,
                language.Length == 0 ? null : language, false, false, "{}", created, company.Id,
            };
        });
        await db.WriteAsync("Clients", ["Id", "Name", "Username", "Email", "Phone", "Language", "IsBlocked", "IsVerified", "CustomFields", "CreatedAt", "CompanyId"], rows, ct);

        // One client in ten carries a tag.
        var tagged = Enumerable.Range(0, plan.Clients).Where(i => i % 10 == 3).Select(i => new object?[] { _clientIds[i], tags[i / 10 % tags.Length] });
        await db.WriteAsync("ClientTags", ["ClientId", "TagId"], tagged, ct);
    }

    private static readonly string[] ConversationColumns =
    [
        "Id", "ClientId", "ChannelId", "ChannelType", "Folder", "ArchiveReason", "AssigneeId", "AssignedAt", "IsAiHandled", "AwaitingAnswer",
        "Rating", "RatedAt", "Language", "OutOfHoursSent", "UnreadCount", "CreatedAt", "AcceptedAt", "FirstTeamReplyAt", "ArchivedAt",
        "LastClientMessageAt", "LastTeamMessageAt", "TeamSpokeLastAt", "LastMessageAt", "LastMessagePreview", "LastMessageAuthor", "Version", "CompanyId",
    ];

    private IEnumerable<object?[]> Conversations(DemoCompany company)
    {
        _conversationIds = new Guid[plan.Conversations];
        for (var i = 0; i < plan.Conversations; i++)
        {
            var c = Plan(i);
            var messages = MessageTimes(c).ToList();
            var last = messages[^1];
            var lastText = Synthetic.Message(new Random(last.TextSeed), c.Language, last.FromClient);
            var lastClient = messages.LastOrDefault(m => m.FromClient).At;
            var lastTeam = messages.LastOrDefault(m => !m.FromClient).At;
            var id = _conversationIds[i] = Guid.CreateVersion7(c.CreatedAt);
            var archived = c.Folder == "Archived";
            yield return
            [
                id, c.ClientId, _channels[c.Platform], c.Platform, c.Folder, archived ? c.ArchiveReason : null, c.AssigneeId,
                c.AssigneeId is null ? null : c.CreatedAt.AddMinutes(1), c.IsAi, false, c.Rating, c.Rating is null ? null : last.At.AddMinutes(20),
                c.Language.Length == 0 ? null : c.Language, false, c.Folder == "Archived" || last.FromClient is false ? 0 : 1, c.CreatedAt,
                c.Folder == "New" ? null : c.CreatedAt.AddMinutes(1), lastTeam == default ? null : lastTeam, archived ? last.At.AddMinutes(15) : null,
                lastClient == default ? null : lastClient, lastTeam == default ? null : lastTeam, last.FromClient ? null : last.At, last.At,
                lastText.Length > 200 ? lastText[..200] : lastText, last.FromClient ? "Client" : c.IsAi ? "Ai" : "Manager", 1, company.Id,
            ];
        }
    }

    /// <summary>Four conversations in ten have a topic.</summary>
    private IEnumerable<object?[]> ConversationTopics()
    {
        for (var i = 0; i < plan.Conversations; i++)
        {
            if (i % 5 is 1 or 3) yield return [_conversationIds[i], _topics[i / 5 % _topics.Length]];
        }
    }

    private static readonly string[] MessageColumns =
    [
        "Id", "ConversationId", "AuthorKind", "AuthorMemberId", "IsPrivateNote", "Text", "Buttons", "Attachments", "DeliveryStatus",
        "IsHiddenBlocked", "CreatedAt", "CompanyId",
    ];

    private IEnumerable<object?[]> Messages(DemoCompany company)
    {
        long written = 0;
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < plan.Conversations; i++)
        {
            var c = Plan(i);
            foreach (var m in MessageTimes(c))
            {
                var text = Synthetic.Message(new Random(m.TextSeed), c.Language, m.FromClient);
                var author = m.FromClient ? "Client" : c.IsAi ? "Ai" : "Manager";
                yield return
                [
                    Guid.CreateVersion7(m.At), _conversationIds[i], author, author == "Manager" ? c.AssigneeId : null, false, text, "[]", "[]",
                    m.FromClient ? "None" : "Delivered", false, m.At, company.Id,
                ];
                if (++written % 1_000_000 == 0) Console.Error.WriteLine($"data: {written:N0} messages, {written / watch.Elapsed.TotalSeconds:N0}/s");
            }
        }
    }

    private sealed record ConversationPlan(
        int Index, Guid ClientId, string Language, string Platform, string Folder, string ArchiveReason, Guid? AssigneeId, bool IsAi,
        int? Rating, DateTime CreatedAt, int MessageCount, int Seed);

    private readonly record struct MessageTime(DateTime At, bool FromClient, int TextSeed);

    /// <summary>
    /// The newest conversations are the open ones: of the last 2.5 %, one in five is New (most unassigned) and the rest
    /// Active; everything older is Archived — by a manager, by the client, for inactivity, or resolved by the AI.
    /// </summary>
    private ConversationPlan Plan(int i)
    {
        var seed = StableSeed.Of(plan.Seed, StableSeed.Conversations, i);
        var r = new Random(seed);
        var client = r.Next(plan.Clients);
        var language = Synthetic.Languages[_clientLanguages[client]].Code;
        var platform = PickPlatform(r);
        var position = (double)i / plan.Conversations;
        var open = position > 0.975;
        var folder = open ? (r.NextDouble() < 0.2 ? "New" : "Active") : "Archived";
        var isAi = folder == "Archived" && r.NextDouble() < 0.1;
        Guid? assignee = isAi || (folder == "New" && r.NextDouble() < 0.7) ? null : _assignees[r.Next(_assignees.Length)];
        var x = r.NextDouble();
        var reason = isAi ? "AiResolved" : x < 0.5 ? "ClosedByManager" : x < 0.65 ? "ResolvedByClient" : "Inactivity";
        int? rating = folder == "Archived" && r.NextDouble() < 0.3 ? Math.Min(5, 2 + r.Next(5)) : null;
        // Open conversations started within the last hours; the others spread evenly over the period.
        var created = open ? _now.AddHours(-6 * (1 - ((position - 0.975) / 0.025))) : _now.AddDays(-plan.Days * (1 - (position / 0.975))).AddHours(-1);
        var mean = Math.Max(1.0, (double)plan.Messages / plan.Conversations);
        var count = 1 + (int)Math.Min(500, Math.Floor(-Math.Log(1 - r.NextDouble()) * (mean - 1)));
        return new ConversationPlan(i, _clientIds[client], language, platform, folder, reason, assignee, isAi, rating, created, count, seed);
    }

    /// <summary>The client opens; then turns alternate mostly, seconds to minutes apart; open ones stay within the last hours.</summary>
    private static IEnumerable<MessageTime> MessageTimes(ConversationPlan c)
    {
        var r = new Random(c.Seed ^ 0x5bd1e995);
        var at = c.CreatedAt;
        var fromClient = true;
        for (var j = 0; j < c.MessageCount; j++)
        {
            yield return new MessageTime(at, fromClient, StableSeed.Of(c.Seed, StableSeed.Texts, j));
            at = at.AddSeconds(c.Folder == "Archived" ? 5 + r.Next(300) : 1 + r.Next(20));
            fromClient = r.NextDouble() < 0.25 ? fromClient : !fromClient;
        }
    }

    private static string PickPlatform(Random r)
    {
        var x = r.NextDouble();
        foreach (var (type, share) in Platforms)
        {
            if ((x -= share) < 0) return type;
        }

        return "Widget";
    }
}

/// <summary>The company the server seeded for the demo, found by its owner's email.</summary>
public sealed record DemoCompany(Guid Id, Guid OwnerId, Guid ManagerId, Guid WidgetChannelId)
{
    public static async Task<DemoCompany> FindAsync(ISeedTarget db, string ownerEmail, string managerEmail)
    {
        var company = await db.ScalarAsync<Guid>("SELECT \"CompanyId\" FROM \"TeamMembers\" WHERE \"Email\" = $1", ownerEmail);
        if (company == Guid.Empty) throw new InvalidOperationException($"No team member {ownerEmail} in the database (does the server seed the demo company?).");
        var owner = await db.ScalarAsync<Guid>("SELECT \"Id\" FROM \"TeamMembers\" WHERE \"Email\" = $1", ownerEmail);
        var manager = await db.ScalarAsync<Guid>("SELECT \"Id\" FROM \"TeamMembers\" WHERE \"Email\" = $1 AND \"CompanyId\" = $2", managerEmail, company);
        var widget = await db.ScalarAsync<Guid>("SELECT \"Id\" FROM \"Channels\" WHERE \"CompanyId\" = $1 AND \"Type\" = 'Widget' ORDER BY \"CreatedAt\" LIMIT 1", company);
        if (manager == Guid.Empty || widget == Guid.Empty) throw new InvalidOperationException($"The company of {ownerEmail} has no member {managerEmail} or no widget channel.");
        return new DemoCompany(company, owner, manager, widget);
    }
}
