using System.Net.Http.Json;
using System.Text.Json;
using Parley.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Parley.Browser.Tests.Console;

/// <summary>The client card beside the conversation: fields, tags, notes and blocking, as the role allows.</summary>
public abstract class ClientCardTests<TApp>(TApp app) : BrowserTest<TApp>(app)
    where TApp : ConsoleApp
{
    [Fact]
    public async Task ClientCard_ManagerEditsFieldsAndNotes_InvalidEmailRefusedWithTheReason()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await App.ApiAsync(ConsoleApp.OwnerEmail);
        var channel = await ApiChannel.CreateAsync(owner, hook.Url);
        var client = "Sofia " + Guid.NewGuid().ToString("N")[..6];
        var conversationId = await channel.ClientSaysAsync(owner, client, "Доброго дня", client);
        var page = await App.SignInAsync(ConsoleApp.ManagerEmail);
        await page.GetByTestId("chat").Filter(new() { HasText = client }).ClickAsync();
        var card = page.GetByTestId("client-card");
        await Expect(card).ToContainTextAsync(client);

        // The browser lets "sofia@localhost" through; the server's rule wants a domain with a dot.
        await card.GetByLabel("Пошта").FillAsync("sofia@localhost");
        await card.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Зберегти" }).ClickAsync();
        await Expect(card.GetByRole(Microsoft.Playwright.AriaRole.Alert)).ToContainTextAsync("'email' is not a valid email address.");

        await card.GetByLabel("Пошта").FillAsync("sofia@example.com");
        await card.GetByLabel("Телефон").FillAsync("+380 50 123 45 67");
        await card.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Зберегти" }).ClickAsync();
        await Expect(card.GetByRole(Microsoft.Playwright.AriaRole.Status)).ToBeVisibleAsync();
        await card.GetByLabel("Додати нотатку").First.FillAsync("Постійна клієнтка");
        await card.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Додати нотатку" }).ClickAsync();
        await Expect(card).ToContainTextAsync("Постійна клієнтка");

        // The API reads what the console stored: the phone in E.164.
        var conversation = await owner.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{conversationId}");
        var clientId = conversation.GetProperty("conversation").GetProperty("clientId").GetString();
        var stored = await owner.GetFromJsonAsync<JsonElement>($"/api/v1/clients/{clientId}");
        Assert.Equal("sofia@example.com", stored.GetProperty("email").GetString());
        Assert.Equal("+380501234567", stored.GetProperty("phone").GetString());
        // Blocking is not the Manager role's in this company: the button is not there.
        await Expect(card.GetByTestId("block")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task ClientCard_SupervisorBlocksClient_OpenConversationArchived()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await App.ApiAsync(ConsoleApp.OwnerEmail);
        var channel = await ApiChannel.CreateAsync(owner, hook.Url);
        var client = "Spammer " + Guid.NewGuid().ToString("N")[..6];
        await channel.ClientSaysAsync(owner, client, "Buy cheap followers!!!", client);
        var page = await App.SignInAsync(ConsoleApp.SupervisorEmail);
        await page.GetByTestId("chat").Filter(new() { HasText = client }).ClickAsync();

        await page.GetByTestId("block").ClickAsync();
        await Expect(page.GetByTestId("client-blocked")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("conversation")).ToHaveAttributeAsync("data-folder", "Archived");
        await Expect(page.GetByTestId("unblock")).ToBeVisibleAsync();
    }
}

public sealed class ClientCardTests_Sqlite(SqliteConsoleApp app) : ClientCardTests<SqliteConsoleApp>(app);

public sealed class ClientCardTests_Postgres(PostgresConsoleApp app) : ClientCardTests<PostgresConsoleApp>(app);
