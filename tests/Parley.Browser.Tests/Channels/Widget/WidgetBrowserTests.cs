using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Parley.Browser.Tests.Infrastructure;

namespace Parley.Browser.Tests.Channels.Widget;

/// <summary>
/// The widget as a visitor uses it: real Chromium on a shop page of one loopback origin, the widget served by Parley from
/// another, and the team on its real hub and API.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class WidgetBrowserTests(BrowserFixture fx) : IAsyncLifetime
{
    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);
    private HttpClient _owner = null!;

    public async Task InitializeAsync() => _owner = await fx.SignInAsync(BrowserFixture.OwnerEmail);

    public Task DisposeAsync()
    {
        _owner.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task VisitorWrites_ByKeyboardOnly_TeamSeesNewConversationWithinASecondAndReplyAppearsWithinASecond()
    {
        var channel = await CreateWidgetAsync(new { allowedOrigins = new[] { fx.SiteUrl }, title = "Shop support" });
        await using var team = await fx.ConnectTeamAsync(BrowserFixture.ManagerEmail);
        using var manager = await fx.SignInAsync(BrowserFixture.ManagerEmail);
        var (context, page) = await fx.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(fx.ShopUrl(channel.Token));
        await page.WaitForFunctionAsync("() => window.events.some(e => e.name === 'ready')");

        // The launcher is the page's first tab stop; Enter opens the chat and puts the cursor in the message box.
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForFunctionAsync("() => window.events.some(e => e.name === 'opened')");
        var widget = await WidgetAsync(page);
        await Assertions.Expect(widget.Locator("textarea")).ToBeFocusedAsync();
        await Assertions.Expect(widget.Locator(".title")).ToHaveTextAsync("Shop support");
        await page.Keyboard.TypeAsync("Where is my parcel?");
        await page.Keyboard.PressAsync("Enter");

        var added = await team.ClientMessageAsync("Where is my parcel?", OneSecond);
        var conversationId = added[0].GetProperty("id").GetString()!;
        Assert.Equal("widget", added[0].GetProperty("channelType").GetString());
        await team.WaitAsync("conversationChanged", a => a[0].GetProperty("id").GetString() == conversationId && a[1].GetString() == "created", OneSecond);
        Assert.True((await manager.PostAsync($"/api/v1/conversations/{conversationId}/accept", null)).IsSuccessStatusCode);

        await manager.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { text = "It arrives tomorrow." });

        await Assertions.Expect(widget.Locator(".msg.manager .text")).ToHaveTextAsync("It arrives tomorrow.", new() { Timeout = 1000 });
        await Assertions.Expect(widget.Locator(".msg.manager .who")).ToHaveTextAsync("Maria Manager");
        await page.WaitForFunctionAsync("() => window.events.some(e => e.name === 'managerMessage' && e.data.text === 'It arrives tomorrow.')");
        Assert.True(await page.EvaluateAsync<bool>("() => window.events.some(e => e.name === 'clientMessage' && e.data.text === 'Where is my parcel?')"));
    }

    [Fact]
    public async Task Reload_AfterAConversation_HistoryIsBackAndTheVisitorIsTheSameClient()
    {
        var channel = await CreateWidgetAsync(new { allowedOrigins = new[] { fx.SiteUrl } });
        var (context, page) = await fx.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(fx.ShopUrl(channel.Token));
        var widget = await OpenAsync(page);
        await SendAsync(widget, "First question");
        var conversationId = await ConversationOfAsync("First question");
        Assert.True((await _owner.PostAsync($"/api/v1/conversations/{conversationId}/accept", null)).IsSuccessStatusCode);
        await _owner.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { text = "First answer" });
        await Assertions.Expect(widget.Locator(".msg.manager .text")).ToHaveTextAsync("First answer");

        await page.ReloadAsync();
        widget = await OpenAsync(page);

        await Assertions.Expect(widget.Locator(".msg.mine .text")).ToHaveTextAsync(["First question"]);
        await Assertions.Expect(widget.Locator(".msg.system .text")).ToHaveTextAsync([new Regex("^Hello"), new Regex("^Olena Owner joined the chat")]);
        await Assertions.Expect(widget.Locator(".msg.manager .text")).ToHaveTextAsync(["First answer"]);
        await SendAsync(widget, "Second question");
        Assert.Equal(conversationId, await ConversationOfAsync("Second question"));
    }

    [Fact]
    public async Task Offline_MessageTypedWhileOffline_QueuedThenDeliveredExactlyOnce()
    {
        var channel = await CreateWidgetAsync(new { allowedOrigins = new[] { fx.SiteUrl } });
        await using var team = await fx.ConnectTeamAsync(BrowserFixture.OwnerEmail);
        var (context, page) = await fx.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(fx.ShopUrl(channel.Token));
        var widget = await OpenAsync(page);
        await SendAsync(widget, "Online message");
        var conversationId = await ConversationOfAsync("Online message");

        await context.SetOfflineAsync(true);
        await Assertions.Expect(widget.Locator(".notice")).ToContainTextAsync("offline");
        await widget.Locator("textarea").FillAsync("Typed while offline");
        await widget.Locator("textarea").PressAsync("Enter");
        await Assertions.Expect(widget.Locator(".msg.pending .status")).ToHaveTextAsync("Sending…");
        Assert.DoesNotContain(team.All, e => e.Name == "messageAdded" && e.Args[1].GetProperty("text").GetString() == "Typed while offline");

        await context.SetOfflineAsync(false);

        await team.ClientMessageAsync("Typed while offline", TimeSpan.FromSeconds(10));
        await Assertions.Expect(widget.Locator(".msg.pending")).ToHaveCountAsync(0);
        await page.ReloadAsync();
        widget = await OpenAsync(page);
        await Assertions.Expect(widget.Locator(".msg.mine .text")).ToHaveTextAsync(["Online message", "Typed while offline"]);
        var stored = await MessagesAsync(conversationId);
        Assert.Single(stored, m => m.GetProperty("text").GetString() == "Typed while offline");
    }

    [Fact]
    public async Task Buttons_YesNoAndRatingIcons_DriveTheConversation()
    {
        var channel = await CreateWidgetAsync(new { allowedOrigins = new[] { fx.SiteUrl } });
        await PatchCompanyAsync(new { askWhetherResolved = true, ratingRequired = true });
        try
        {
            var (context, page) = await fx.NewPageAsync();
            await using var _ = context;
            await page.GotoAsync(fx.ShopUrl(channel.Token));
            var widget = await OpenAsync(page);
            await SendAsync(widget, "Can you help?");
            var conversationId = await ConversationOfAsync("Can you help?");
            Assert.True((await _owner.PostAsync($"/api/v1/conversations/{conversationId}/accept", null)).IsSuccessStatusCode);

            Assert.True((await _owner.PostAsync($"/api/v1/conversations/{conversationId}/finish", null)).IsSuccessStatusCode);
            await widget.GetByRole(AriaRole.Button, new() { Name = "Yes", Exact = true }).ClickAsync();
            await WaitForAsync(async () => !(await ConversationAsync(conversationId)).GetProperty("awaitingAnswer").GetBoolean());
            Assert.Equal("active", (await ConversationAsync(conversationId)).GetProperty("folder").GetString());

            Assert.True((await _owner.PostAsync($"/api/v1/conversations/{conversationId}/finish", null)).IsSuccessStatusCode);
            // The first question's buttons are disabled once answered; messages with the same fake time may render in
            // either order, so take the "No" of the question still open rather than the last one on the page.
            await widget.Locator("button.choice:enabled", new() { HasTextRegex = new System.Text.RegularExpressions.Regex("^No$") }).ClickAsync();
            await WaitForAsync(async () => (await ConversationAsync(conversationId)).GetProperty("folder").GetString() == "archived");

            var stars = widget.Locator(".star");
            await Assertions.Expect(stars).ToHaveCountAsync(5);
            await Assertions.Expect(stars.Nth(0)).ToHaveTextAsync("★");
            await widget.GetByRole(AriaRole.Button, new() { Name = "Rate 4 out of 5" }).ClickAsync();
            await WaitForAsync(async () => (await ConversationAsync(conversationId)).TryGetProperty("rating", out var r) && r.ValueKind == JsonValueKind.Number && r.GetInt32() == 4);
            await Assertions.Expect(widget.Locator(".star.chosen")).ToHaveCountAsync(4);
        }
        finally
        {
            await PatchCompanyAsync(new { askWhetherResolved = false, ratingRequired = false });
        }
    }

    [Fact]
    public async Task HtmlPayload_FromVisitorAndManager_ShownAsTextOnBothSides()
    {
        const string FromVisitor = "<img src=x onerror=\"window.pwned='visitor'\"><b>bold</b>";
        const string FromManager = "<script>window.pwned='manager'</script><i>hi</i>";
        var channel = await CreateWidgetAsync(new { allowedOrigins = new[] { fx.SiteUrl }, title = "<b>Support</b>" });
        await using var team = await fx.ConnectTeamAsync(BrowserFixture.OwnerEmail);
        var (context, page) = await fx.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(fx.ShopUrl(channel.Token));
        var widget = await OpenAsync(page);

        await SendAsync(widget, FromVisitor);
        var added = await team.ClientMessageAsync(FromVisitor, TimeSpan.FromSeconds(5));
        var conversationId = added[0].GetProperty("id").GetString()!;
        Assert.True((await _owner.PostAsync($"/api/v1/conversations/{conversationId}/accept", null)).IsSuccessStatusCode);
        await _owner.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { text = FromManager });

        await Assertions.Expect(widget.Locator(".msg.manager .text")).ToHaveTextAsync(FromManager);
        await Assertions.Expect(widget.Locator(".msg.mine .text")).ToHaveTextAsync(FromVisitor);
        await Assertions.Expect(widget.Locator(".title")).ToHaveTextAsync("<b>Support</b>");
        await Assertions.Expect(widget.Locator(".log img, .log b, .log i, .log script, .title b")).ToHaveCountAsync(0);
        Assert.Null(await widget.EvaluateAsync<string?>("() => window.pwned ?? null"));
        Assert.Null(await page.EvaluateAsync<string?>("() => window.pwned ?? null"));
        // The team side gets exactly the text that was typed, and so does the host page's callback.
        Assert.Equal(FromVisitor, (await MessagesAsync(conversationId)).First(m => m.GetProperty("authorKind").GetString() == "client").GetProperty("text").GetString());
        await page.WaitForFunctionAsync("text => window.events.some(e => e.name === 'managerMessage' && e.data.text === text)", FromManager);
    }

    [Fact]
    public async Task Embed_OnOriginNotAllowed_WidgetRefusedAndFrameBlockedByTheBrowser()
    {
        var channel = await CreateWidgetAsync(new { allowedOrigins = new[] { fx.SiteUrl } });
        var (context, page) = await fx.NewPageAsync();
        await using var _ = context;
        var warning = page.WaitForConsoleMessageAsync(new() { Predicate = m => m.Text.Contains("not allowed", StringComparison.Ordinal) });

        await page.GotoAsync(fx.ShopUrl(channel.Token, allowedOrigin: false));

        await warning;
        Assert.DoesNotContain(page.Frames, f => f.Url.Contains("/widget/frame/", StringComparison.Ordinal));
        Assert.False(await page.EvaluateAsync<bool>("() => window.events.some(e => e.name === 'ready')"));

        // Framing the chat directly does not help: its CSP frame-ancestors makes the browser refuse it.
        var framed = await context.NewPageAsync();
        await framed.GotoAsync($"{fx.OtherSiteUrl}/framed?token={channel.Token}");
        await framed.WaitForLoadStateAsync(LoadState.Load);
        var direct = framed.Frames.Single(f => f != framed.MainFrame);
        Assert.Equal(0, await direct.Locator("#parley").CountAsync());
        var allowed = await context.NewPageAsync();
        await allowed.GotoAsync($"{fx.SiteUrl}/framed?token={channel.Token}");
        await Assertions.Expect(allowed.FrameLocator("#direct").Locator("#parley")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task Identify_WrongHashWhenVerificationRequired_RefusedAndRightHashMayChat()
    {
        var channel = await CreateWidgetAsync(new { requireVerification = true });
        var (context, page) = await fx.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(fx.ShopUrl(channel.Token, "customer-42", "0000deadbeef"));
        var widget = await OpenAsync(page);

        await Assertions.Expect(widget.Locator(".notice")).ToContainTextAsync("verification failed");
        await Assertions.Expect(widget.Locator(".signin")).ToBeVisibleAsync();
        await Assertions.Expect(widget.Locator(".composer")).ToBeHiddenAsync();

        var (context2, page2) = await fx.NewPageAsync();
        await using var __ = context2;
        await page2.GotoAsync(fx.ShopUrl(channel.Token, "customer-42", channel.UserHash("customer-42")));
        var verified = await OpenAsync(page2);
        await SendAsync(verified, "I am signed in");
        var conversationId = await ConversationOfAsync("I am signed in");
        var clientId = (await ConversationAsync(conversationId)).GetProperty("clientId").GetString();
        var card = await (await _owner.GetAsync($"/api/v1/clients/{clientId}")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(card.GetProperty("isVerified").GetBoolean());
    }

    [Fact]
    public async Task PreChatForm_RequiredFieldsInVisitorsLanguage_MessageWaitsForThemAndFillsTheClientCard()
    {
        var channel = await CreateWidgetAsync(new { allowedOrigins = new[] { fx.SiteUrl }, preChat = new { name = "required", email = "required", phone = "off" } });
        var (context, page) = await fx.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(fx.ShopUrl(channel.Token));
        await page.WaitForFunctionAsync("() => window.events.some(e => e.name === 'ready')");
        await page.EvaluateAsync("() => Parley('customerData', { language: 'uk' })");
        var widget = await OpenAsync(page);

        await Assertions.Expect(widget.Locator(".prechat")).ToBeVisibleAsync();
        await Assertions.Expect(widget.Locator(".composer")).ToBeHiddenAsync();
        await widget.GetByLabel("Ім’я *").FillAsync("Олена");
        await widget.GetByLabel("Email *").FillAsync("not-an-email");
        await widget.GetByRole(AriaRole.Button, new() { Name = "Почати чат" }).ClickAsync();
        await Assertions.Expect(widget.Locator(".notice")).ToContainTextAsync("Email");
        await widget.GetByLabel("Email *").FillAsync("olena@shop.example");
        await widget.GetByRole(AriaRole.Button, new() { Name = "Почати чат" }).ClickAsync();

        await Assertions.Expect(widget.Locator("textarea")).ToHaveAttributeAsync("placeholder", "Напишіть повідомлення…");
        await SendAsync(widget, "Добрий день");
        var conversationId = await ConversationOfAsync("Добрий день");
        var clientId = (await ConversationAsync(conversationId)).GetProperty("clientId").GetString();
        // The pre-chat fields are saved on the card right after the message is committed (the message may be seen first).
        JsonElement card = default;
        await WaitForAsync(async () =>
        {
            card = await (await _owner.GetAsync($"/api/v1/clients/{clientId}")).Content.ReadFromJsonAsync<JsonElement>();
            return card.GetProperty("email").ValueKind == JsonValueKind.String;
        });
        Assert.Equal("Олена", card.GetProperty("name").GetString());
        Assert.Equal("olena@shop.example", card.GetProperty("email").GetString());
        Assert.Equal("uk", card.GetProperty("language").GetString());
        await Assertions.Expect(widget.Locator(".msg.system .text")).ToContainTextAsync("Вітаємо, Олена");
    }

    // ---- helpers

    private sealed record Widget(string Id, string Token, string Secret)
    {
        public string UserHash(string userId) => Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(userId)));
    }

    private async Task<Widget> CreateWidgetAsync(object settings)
    {
        var response = await _owner.PostAsJsonAsync("/api/v1/channels", new { type = "widget", name = "Shop " + Guid.NewGuid().ToString("N")[..6] });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var widget = new Widget(body.GetProperty("id").GetString()!, body.GetProperty("publicToken").GetString()!, body.GetProperty("secret").GetString()!);
        var put = await _owner.PutAsJsonAsync($"/api/v1/channels/{widget.Id}/widget", settings);
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        return widget;
    }

    /// <summary>Opens the chat through the page's JavaScript API and returns the chat frame once it is ready to type.</summary>
    private static async Task<IFrame> OpenAsync(IPage page)
    {
        await page.WaitForFunctionAsync("() => window.events.some(e => e.name === 'ready')");
        await page.EvaluateAsync("() => Parley('open')");
        var widget = await WidgetAsync(page);
        await widget.Locator(".title:not(:empty)").WaitForAsync();
        return widget;
    }

    /// <summary>The chat frame sits in a closed shadow root, out of the page's reach; the browser still lists it.</summary>
    private static async Task<IFrame> WidgetAsync(IPage page)
    {
        for (var i = 0; i < 100; i++)
        {
            var frame = page.Frames.FirstOrDefault(f => f.Url.Contains("/widget/frame/", StringComparison.Ordinal));
            if (frame is not null)
            {
                await frame.Locator("#parley").WaitForAsync();
                return frame;
            }

            await page.WaitForTimeoutAsync(100);
        }

        Assert.Fail("The widget's frame did not appear.");
        return null!;
    }

    private static async Task SendAsync(IFrame widget, string text)
    {
        var before = await widget.Locator(".msg.mine:not(.pending)").CountAsync();
        await widget.Locator("textarea").FillAsync(text);
        await widget.Locator("textarea").PressAsync("Enter");
        await Assertions.Expect(widget.Locator(".msg.mine:not(.pending)")).ToHaveCountAsync(before + 1);
    }

    private async Task<string> ConversationOfAsync(string clientText)
    {
        var page = await (await _owner.GetAsync("/api/v1/conversations?folder=new&limit=100")).Content.ReadFromJsonAsync<JsonElement>();
        foreach (var item in page.GetProperty("items").EnumerateArray())
        {
            var id = item.GetProperty("id").GetString()!;
            if ((await MessagesAsync(id)).Any(m => m.GetProperty("text").GetString() == clientText)) return id;
        }

        var active = await (await _owner.GetAsync("/api/v1/conversations?folder=active&limit=100")).Content.ReadFromJsonAsync<JsonElement>();
        foreach (var item in active.GetProperty("items").EnumerateArray())
        {
            var id = item.GetProperty("id").GetString()!;
            if ((await MessagesAsync(id)).Any(m => m.GetProperty("text").GetString() == clientText)) return id;
        }

        Assert.Fail($"No conversation has the message '{clientText}'.");
        return "";
    }

    private async Task<List<JsonElement>> MessagesAsync(string conversationId)
    {
        var body = await (await _owner.GetAsync($"/api/v1/conversations/{conversationId}/messages?limit=200")).Content.ReadFromJsonAsync<JsonElement>();
        return [.. body.GetProperty("items").EnumerateArray()];
    }

    private async Task<JsonElement> ConversationAsync(string conversationId) =>
        (await (await _owner.GetAsync($"/api/v1/conversations/{conversationId}")).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("conversation");

    private async Task PatchCompanyAsync(object patch)
    {
        var response = await _owner.PatchAsJsonAsync("/api/v1/settings/company", patch);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Polls the server until the condition holds (bounded): the engine answers a button asynchronously to the click.</summary>
    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < until, "The condition did not hold within 10 s.");
            await Task.Delay(100);
        }
    }
}
