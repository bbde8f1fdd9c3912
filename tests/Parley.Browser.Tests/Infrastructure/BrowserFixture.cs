using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace Parley.Browser.Tests.Infrastructure;

/// <summary>
/// Everything a browser test needs, started once: the real Parley server on Kestrel (a loopback port, SQLite, the demo
/// company seeded), a customer's website on two other loopback origins (one allowed, one not), and Debian's Chromium
/// driven by Playwright.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime, IAsyncDisposable
{
    public const string Password = "Test-Password-1";
    public const string OwnerEmail = "owner@demo.local";
    public const string ManagerEmail = "manager@demo.local";

    private readonly string _database = Path.Combine(Path.GetTempPath(), "parley_browser_" + Guid.NewGuid().ToString("N")[..12] + ".db");
    private ParleyServer? _server;
    private WebApplication? _site;
    private IPlaywright? _playwright;

    /// <summary>The Parley server, e.g. http://localhost:PORT.</summary>
    public string ParleyUrl { get; private set; } = "";

    /// <summary>The customer's website that the widget allows.</summary>
    public string SiteUrl { get; private set; } = "";

    /// <summary>The same website on an origin the widget does not allow.</summary>
    public string OtherSiteUrl { get; private set; } = "";

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var parleyPort = FreePort();
        _server = new ParleyServer(_database, parleyPort);
        _server.StartServer();
        ParleyUrl = $"http://localhost:{parleyPort}";

        var sitePort = FreePort();
        var otherPort = FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{sitePort}", $"http://127.0.0.1:{otherPort}");
        builder.Logging.ClearProviders();
        _site = builder.Build();
        _site.MapGet("/shop", (string token, string? userId, string? userHash) => Results.Content(ShopPage(token, userId, userHash), "text/html; charset=utf-8"));
        _site.MapGet("/framed", (string token) => Results.Content(
            $"<!doctype html><title>Framed</title><iframe id=\"direct\" src=\"{ParleyUrl}/widget/frame/{token}\"></iframe>", "text/html; charset=utf-8"));
        await _site.StartAsync();
        SiteUrl = $"http://127.0.0.1:{sitePort}";
        OtherSiteUrl = $"http://127.0.0.1:{otherPort}";

        // Generous for the steps that only have to happen; the ones that must be fast say so with their own timeout.
        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (_site is not null) await _site.DisposeAsync();
        if (_server is not null) await _server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _database, Parley.Data.Conversations.MessageSearchFile.PathFor($"Data Source={_database}")! })
            foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(file + suffix);
    }

    /// <summary>A fresh browser profile (its own storage), so that each test is a new visitor.</summary>
    public async Task<(IBrowserContext Context, IPage Page)> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new() { Locale = "en-US" });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        return (context, page);
    }

    /// <summary>The shop page with the one-line embed (and identify, when given), on the allowed origin unless told otherwise.</summary>
    public string ShopUrl(string token, string? userId = null, string? userHash = null, bool allowedOrigin = true) =>
        $"{(allowedOrigin ? SiteUrl : OtherSiteUrl)}/shop?token={Uri.EscapeDataString(token)}"
        + (userId is null ? "" : $"&userId={Uri.EscapeDataString(userId)}&userHash={Uri.EscapeDataString(userHash ?? "")}");

    public async Task<HttpClient> SignInAsync(string email)
    {
        var http = new HttpClient { BaseAddress = new Uri(ParleyUrl) };
        var response = await http.PostAsJsonAsync("/api/v1/auth/tokens", new { email, password = Password, name = "browser-tests" });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    /// <summary>The team hub over a real WebSocket, as the console uses it.</summary>
    public async Task<TeamEvents> ConnectTeamAsync(string email)
    {
        using var http = await SignInAsync(email);
        var token = http.DefaultRequestHeaders.Authorization!.Parameter;
        var hub = new HubConnectionBuilder()
            .WithUrl($"{ParleyUrl}/hubs/team", o => o.AccessTokenProvider = () => Task.FromResult(token))
            .Build();
        var events = new TeamEvents(hub);
        await hub.StartAsync();
        await hub.InvokeAsync<JsonElement>("GetCounts");
        return events;
    }

    private string ShopPage(string token, string? userId, string? userHash)
    {
        var identify = userId is null ? "" : $"Parley('identify', {{ userId: {JsonSerializer.Serialize(userId)}, userHash: {JsonSerializer.Serialize(userHash)} }});";
        return $$"""
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><title>Shop</title></head>
            <body>
            <h1>A shop</h1>
            <script>
              window.events = [];
              window.Parley = window.Parley || function () { (Parley.q = Parley.q || []).push(arguments); };
              ['ready', 'opened', 'closed', 'clientMessage', 'managerMessage'].forEach(function (name) {
                Parley('on', name, function (data) { window.events.push({ name: name, data: data || null }); });
              });
              {{identify}}
            </script>
            <script src="{{ParleyUrl}}/widget.js" data-channel="{{token}}" async></script>
            </body>
            </html>
            """;
    }

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>The real Parley host on Kestrel, reachable by the browser (a TestServer is not).</summary>
    private sealed class ParleyServer : WebApplicationFactory<Program>
    {
        private readonly string _database;

        public ParleyServer(string database, int port)
        {
            _database = database;
            UseKestrel(port);
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("Database:Provider", "Sqlite");
            builder.UseSetting("ConnectionStrings:Parley", $"Data Source={_database}");
            builder.UseSetting("Parley:Demo:Seed", "true");
            builder.UseSetting("Parley:Demo:Password", Password);
            builder.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        }
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
