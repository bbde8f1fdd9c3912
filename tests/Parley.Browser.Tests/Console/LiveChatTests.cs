using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Parley.Browser.Tests.Infrastructure;
using Parley.Data;
using Parley.Domain.Conversations;
using Parley.Domain.Messages;
using Parley.Server.Conversations;
using static Microsoft.Playwright.Assertions;

namespace Parley.Browser.Tests.Console;

/// <summary>The LiveChat screen in Chromium: chats arrive live, are accepted, answered and finished through the console.</summary>
public abstract class LiveChatTests<TApp>(TApp app) : BrowserTest<TApp>(app)
    where TApp : ConsoleApp
{
    [Fact]
    public async Task LiveChat_ClientWritesThroughApiChannel_ChatAppearsLiveAndIsAnsweredAndFinished()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await App.ApiAsync(ConsoleApp.OwnerEmail);
        var channel = await ApiChannel.CreateAsync(owner, hook.Url);
        var page = await App.SignInAsync(ConsoleApp.ManagerEmail);
        var client = "Ivan " + Guid.NewGuid().ToString("N")[..6];

        // The client writes while the console is open: the chat shows up in New without a reload.
        var newCount = int.Parse(await page.GetByTestId("count-new").InnerTextAsync());
        await channel.ClientSaysAsync(owner, client, "Добрий день, де моє замовлення?", client);
        var chat = page.GetByTestId("chat").Filter(new() { HasText = client });
        await Expect(chat).ToBeVisibleAsync();
        await Expect(chat.Locator(".unread-count")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("count-new")).ToHaveTextAsync((newCount + 1).ToString());

        // Reply accepts it: the conversation becomes Active and the client is told the manager joined.
        await chat.ClickAsync();
        await page.GetByTestId("reply").ClickAsync();
        await Expect(page.GetByTestId("conversation")).ToHaveAttributeAsync("data-folder", "Active");
        var joined = await hook.UntilAsync(r => r.Body.GetProperty("systemKind").GetString() == "managerJoined");
        Assert.Contains("Maria Manager", joined[^1].Body.GetProperty("text").GetString());

        // Enter sends; Shift+Enter would have made a new line instead.
        var composer = page.GetByTestId("composer");
        await composer.FillAsync("Добрий день!");
        await composer.PressAsync("Shift+Enter");
        await composer.PressSequentiallyAsync("Зараз перевірю.");
        await composer.PressAsync("Enter");
        var sent = await hook.UntilAsync(r => r.Body.GetProperty("authorKind").GetString() == "manager");
        Assert.Equal("Добрий день!\nЗараз перевірю.", sent[^1].Body.GetProperty("text").GetString());
        await Expect(page.GetByTestId("message-text").Last).ToHaveTextAsync("Добрий день!\nЗараз перевірю.");
        await Expect(composer).ToHaveValueAsync("");

        await page.GetByTestId("finish").ClickAsync();
        await Expect(page.GetByTestId("conversation")).ToHaveAttributeAsync("data-folder", "Archived");
        await Expect(page.GetByTestId("folder-archived")).ToHaveAttributeAsync("aria-selected", "true");
    }

    [Fact]
    public async Task Message_ClientSendsHtmlAndScript_ShownAsPlainText()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await App.ApiAsync(ConsoleApp.OwnerEmail);
        var channel = await ApiChannel.CreateAsync(owner, hook.Url);
        var page = await App.SignInAsync(ConsoleApp.OwnerEmail);
        var dialogs = 0;
        page.Dialog += (_, d) =>
        {
            dialogs++;
            _ = d.DismissAsync();
        };
        const string Evil = "<img src=x onerror=\"alert(1)\"><script>alert(2)</script><b>bold?</b>";
        var client = "Mallory " + Guid.NewGuid().ToString("N")[..6];

        await channel.ClientSaysAsync(owner, client, Evil, "<i>" + client + "</i>");
        await page.GetByTestId("chat").Filter(new() { HasText = client }).ClickAsync();

        var text = page.Locator(".msg.client [data-testid=message-text]");
        await Expect(text).ToHaveTextAsync(Evil);
        Assert.Equal(0, await page.Locator("#messages img, #messages script, #messages b, .conv-title i").CountAsync());
        Assert.Equal(0, dialogs);
    }

    [Fact]
    public async Task QuickReply_SlashInComposer_PicksReplyInClientLanguageAndSends()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await App.ApiAsync(ConsoleApp.OwnerEmail);
        var channel = await ApiChannel.CreateAsync(owner, hook.Url);
        var page = await App.SignInAsync(ConsoleApp.ManagerEmail);
        var client = "Emma " + Guid.NewGuid().ToString("N")[..6];
        await channel.ClientSaysAsync(owner, client, "Hello there", client, language: "en");
        await page.GetByTestId("chat").Filter(new() { HasText = client }).ClickAsync();
        await page.GetByTestId("reply").ClickAsync();
        await Expect(page.GetByTestId("conversation")).ToHaveAttributeAsync("data-folder", "Active");

        var composer = page.GetByTestId("composer");
        await composer.PressSequentiallyAsync("/hel");
        await Expect(page.GetByTestId("quick-reply")).ToHaveCountAsync(1);
        await composer.PressAsync("Enter");
        await Expect(composer).ToHaveValueAsync($"Hello, {client}! How can I help you?");
        await composer.PressAsync("Enter");

        var sent = await hook.UntilAsync(r => r.Body.GetProperty("authorKind").GetString() == "manager");
        Assert.Equal($"Hello, {client}! How can I help you?", sent[^1].Body.GetProperty("text").GetString());
    }

    [Fact]
    public async Task EditMessage_AllowedThenForbiddenBySetting_MenuSaysWhyInTheConsoleLanguage()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await App.ApiAsync(ConsoleApp.OwnerEmail);
        var channel = await ApiChannel.CreateAsync(owner, hook.Url);
        var page = await App.SignInAsync(ConsoleApp.ManagerEmail);
        var client = "Olha " + Guid.NewGuid().ToString("N")[..6];
        await channel.ClientSaysAsync(owner, client, "Скільки коштує доставка?", client);
        await page.GetByTestId("chat").Filter(new() { HasText = client }).ClickAsync();
        await page.GetByTestId("reply").ClickAsync();
        await Expect(page.GetByTestId("conversation")).ToHaveAttributeAsync("data-folder", "Active");
        await page.GetByTestId("composer").FillAsync("Доставка 50 грн");
        await page.GetByTestId("composer").PressAsync("Enter");
        var id = await page.GetByTestId("message").Filter(new() { HasText = "Доставка 50 грн" }).GetAttributeAsync("data-id");
        var mine = page.Locator($"[data-testid=message][data-id='{id}']");

        // Allowed: the edit reaches the client's system as message.edited.
        await mine.GetByTestId("message-menu").ClickAsync();
        await mine.GetByTestId("edit").ClickAsync();
        await mine.GetByTestId("edit-text").FillAsync("Доставка 60 грн");
        await mine.GetByTestId("save-edit").ClickAsync();
        var edited = mine;
        await Expect(edited.GetByTestId("message-text")).ToHaveTextAsync("Доставка 60 грн");
        await hook.UntilAsync(r => r.Body.GetProperty("event").GetString() == "message.edited");

        // The owner turns editing off: the menu no longer offers it and says why, in the console's language.
        using var manager = await App.ApiAsync(ConsoleApp.ManagerEmail);
        try
        {
            await Settings.PatchAsync(owner, new { forbidEditing = true });
            await edited.GetByTestId("message-menu").ClickAsync();
            await Expect(edited.GetByTestId("edit")).ToHaveCountAsync(0);
            await Expect(edited.GetByTestId("edit-forbidden")).ToHaveTextAsync("Редагувати не можна: Редагування повідомлень вимкнено в налаштуваннях компанії.");
            await Expect(edited.GetByTestId("delete")).ToBeVisibleAsync();

            await page.GetByRole(AriaRole.Button, new() { Name = "EN", Exact = true }).ClickAsync();
            await Expect(page.GetByTestId("folder-new")).ToContainTextAsync("New");
            await mine.GetByTestId("message-menu").ClickAsync();
            await Expect(mine.GetByTestId("edit-forbidden")).ToHaveTextAsync("Cannot edit: Editing messages is turned off in this company's settings.");
        }
        finally
        {
            await Settings.PatchAsync(owner, new { forbidEditing = false });
            await SetLanguageAsync(manager, "uk");
        }
    }

    [Fact]
    public async Task Finish_AskWhetherResolved_ClientAnswersNo_ConversationArchivedLive()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await App.ApiAsync(ConsoleApp.OwnerEmail);
        var channel = await ApiChannel.CreateAsync(owner, hook.Url);
        var page = await App.SignInAsync(ConsoleApp.ManagerEmail);
        var client = "Petro " + Guid.NewGuid().ToString("N")[..6];
        await channel.ClientSaysAsync(owner, client, "Дякую, все зрозуміло", client);
        await page.GetByTestId("chat").Filter(new() { HasText = client }).ClickAsync();
        await page.GetByTestId("reply").ClickAsync();
        await Expect(page.GetByTestId("conversation")).ToHaveAttributeAsync("data-folder", "Active");
        try
        {
            await Settings.PatchAsync(owner, new { askWhetherResolved = true });
            await page.GetByTestId("finish").ClickAsync();
            // "More questions?" is asked; the chat stays Active until the client answers.
            await hook.UntilAsync(r => r.Body.GetProperty("systemKind").GetString() == "moreQuestions");
            await Expect(page.GetByTestId("message").Last).ToContainTextAsync("Так");
            await Expect(page.GetByTestId("conversation")).ToHaveAttributeAsync("data-folder", "Active");

            await channel.ClientSaysAsync(owner, client, null, client, buttonPayload: "more_questions:no");
            await Expect(page.GetByTestId("conversation")).ToHaveAttributeAsync("data-folder", "Archived");
        }
        finally
        {
            await Settings.PatchAsync(owner, new { askWhetherResolved = false });
        }
    }

    [Fact]
    public async Task ChangeManager_SupervisorMayAndManagerRoleMayNot_ManagerDoesNotSeeTheAction()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await App.ApiAsync(ConsoleApp.OwnerEmail);
        var channel = await ApiChannel.CreateAsync(owner, hook.Url);
        var manager = await App.SignInAsync(ConsoleApp.ManagerEmail);
        var client = "Nina " + Guid.NewGuid().ToString("N")[..6];
        await channel.ClientSaysAsync(owner, client, "Потрібна допомога", client);
        await manager.GetByTestId("chat").Filter(new() { HasText = client }).ClickAsync();
        await manager.GetByTestId("reply").ClickAsync();
        await Expect(manager.GetByTestId("finish")).ToBeVisibleAsync();
        await Expect(manager.GetByTestId("transfer")).ToHaveCountAsync(0);

        var supervisor = await App.SignInAsync(ConsoleApp.SupervisorEmail);
        await supervisor.GetByTestId("folder-active").ClickAsync();
        await supervisor.GetByTestId("chat").Filter(new() { HasText = client }).ClickAsync();
        await supervisor.GetByTestId("transfer").SelectOptionAsync(new SelectOptionValue { Label = "Olena Owner" });
        await Expect(supervisor.Locator(".conv-actions")).ToContainTextAsync("Olena Owner");

        // The chat left Maria's sight the moment it was passed on.
        await Expect(manager.GetByTestId("chat").Filter(new() { HasText = client })).ToHaveCountAsync(0);
    }

    /// <summary>The member's console language, as they would choose it, so a test leaves the language as it found it.</summary>
    private static async Task SetLanguageAsync(HttpClient member, string language)
    {
        var id = (await member.GetFromJsonAsync<JsonElement>("/api/v1/me")).GetProperty("member").GetProperty("id").GetString();
        var response = await member.PatchAsJsonAsync($"/api/v1/team/{id}", new { consoleLanguage = language });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Search_MoreMatchesThanTheCap_FolderCountReads1000PlusInEitherLanguage()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await App.ApiAsync(ConsoleApp.OwnerEmail);
        var channel = await ApiChannel.CreateAsync(owner, hook.Url);
        var word = "кавун" + Guid.NewGuid().ToString("N")[..6];
        var waiting = await channel.ClientSaysAsync(owner, word, $"Чи є {word}?", "Kateryna");

        // An archive longer than the cap, stored directly (the API has no import).
        using (var scope = App.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
            var template = await db.Conversations.FindAsync(Guid.Parse(waiting)) ?? throw new InvalidOperationException("no conversation");
            var at = template.CreatedAt.AddDays(-10);
            for (var i = 0; i < FolderCounts.Cap + 5; i++)
            {
                var c = new Conversation
                {
                    CompanyId = template.CompanyId, ClientId = template.ClientId, ChannelId = template.ChannelId, ChannelType = template.ChannelType,
                    Folder = Folder.Archived, ArchiveReason = ArchiveReason.ClosedByManager, CreatedAt = at.AddMinutes(i), LastMessageAt = at.AddMinutes(i),
                };
                db.Add(c);
                db.Add(new Message { CompanyId = c.CompanyId, ConversationId = c.Id, AuthorKind = AuthorKind.Client, Text = $"{word} {i}", CreatedAt = c.CreatedAt });
            }

            await db.SaveChangesAsync();
        }

        // Ukrainian (the company's language) groups digits with a (no-break) space; English with a comma.
        var page = await App.SignInAsync(ConsoleApp.OwnerEmail);
        await page.GetByTestId("search").FillAsync(word);
        var archived = page.GetByTestId("count-archived");
        // The list reloads as the word is typed; on a loaded machine that can take longer than an assertion's default wait.
        await Expect(archived).ToHaveTextAsync(new Regex("^1\\s000\\+$"), new() { Timeout = 20_000 });
        await Expect(archived).ToHaveAttributeAsync("title", new Regex("1\\s000"));
        await Expect(page.GetByTestId("count-new")).ToHaveTextAsync("1");

        // The switch reloads the console in English; the search is typed again there.
        await page.GetByRole(AriaRole.Button, new() { Name = "EN", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("folder-new")).ToContainTextAsync("New");
        await page.GetByTestId("search").FillAsync("");
        await page.GetByTestId("search").FillAsync(word);
        await Expect(archived).ToHaveTextAsync("1,000+", new() { Timeout = 20_000 });
        await Expect(archived).ToHaveAttributeAsync("title", new Regex("1,000"));
        await page.GetByRole(AriaRole.Button, new() { Name = "UK", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("folder-new")).ToContainTextAsync("Нові");
    }
    [Fact]
    public async Task Notes_ClientWritesAsEachIsSent_EveryNoteAndMessageStaysShown()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await App.ApiAsync(ConsoleApp.OwnerEmail);
        var channel = await ApiChannel.CreateAsync(owner, hook.Url);
        var client = "Olha " + Guid.NewGuid().ToString("N")[..6];
        await channel.ClientSaysAsync(owner, client, "Добрий день", client);
        var page = await App.SignInAsync(ConsoleApp.ManagerEmail);
        await page.GetByTestId("chat").Filter(new() { HasText = client }).ClickAsync();
        await page.GetByTestId("reply").ClickAsync();
        await Expect(page.GetByTestId("conversation")).ToHaveAttributeAsync("data-folder", "Active");
        await page.GetByTestId("note-mode").CheckAsync();

        // Each client message is marked read by the open pane and announced again while the note is being sent: the
        // note must not be lost to a reload that read the messages before it was committed.
        for (var i = 1; i <= 4; i++)
        {
            await channel.ClientSaysAsync(owner, client, $"Питання {i}", client);
            await page.GetByTestId("composer").FillAsync($"Нотатка {i}");
            await page.GetByTestId("composer").PressAsync("Enter");
        }

        await Expect(page.Locator(".msg.note")).ToHaveCountAsync(4);
        for (var i = 1; i <= 4; i++)
        {
            await Expect(page.GetByTestId("message-text").Filter(new() { HasText = $"Нотатка {i}" })).ToHaveCountAsync(1);
            await Expect(page.GetByTestId("message-text").Filter(new() { HasText = $"Питання {i}" })).ToHaveCountAsync(1);
        }
    }
}

public sealed class LiveChatTests_Sqlite(SqliteConsoleApp app) : LiveChatTests<SqliteConsoleApp>(app);

public sealed class LiveChatTests_Postgres(PostgresConsoleApp app) : LiveChatTests<PostgresConsoleApp>(app);
