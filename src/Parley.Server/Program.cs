using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR;
using Parley.Data;
using Parley.Data.Identity;
using Parley.Server.Catalog;
using Parley.Server.Channels;
using Parley.Server.Channels.Api;
using Parley.Server.Channels.Inbound;
using Parley.Server.Channels.Widget;
using Parley.Server.Clients;
using Parley.Server.Console;
using Parley.Server.Conversations;
using Parley.Server.Demo;
using Parley.Server.Distribution;
using Parley.Server.Files;
using Parley.Server.Infrastructure;
using Parley.Server.Realtime;
using Parley.Server.Settings;
using Parley.Server.Team;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);
var services = builder.Services;

services.AddParleyDatabase(builder.Configuration);
services.AddIdentityCore<MemberAccount>(o =>
    {
        o.User.RequireUniqueEmail = true;
        o.Password.RequiredLength = 8;
        o.Password.RequireNonAlphanumeric = false;
        o.Password.RequireUppercase = false;
        o.Lockout.MaxFailedAccessAttempts = 5;
        o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
    })
    .AddEntityFrameworkStores<ParleyDbContext>();
services.AddParleyAuth();
// Cookie keys survive restarts (sign-ins stay valid); a shared folder or store is needed once there are several nodes.
services.AddDataProtection()
    .SetApplicationName("Parley")
    .PersistKeysToFileSystem(new DirectoryInfo(builder.Configuration["Parley:KeysPath"] ?? Path.Combine("data", "keys")));
services.AddProblemDetails();
// Binding failures (malformed JSON, a wrong type) reach RuleViolationHandler, which names the field.
services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
services.AddExceptionHandler<RuleViolationHandler>();
services.AddOpenApi();
services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase)));
services.AddSignalR(o => o.AddFilter<HubErrors>())
    .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase)));
services.AddParleyConsole();
services.AddHttpClient(ApiChannelSender.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(15));

services.AddSingleton(TimeProvider.System);
services.AddScoped<CurrentMember>();
services.AddScoped<SignIn>();
services.AddScoped<ConversationService>();
services.AddSingleton<WriterQueues>();
services.AddScoped<ConversationFinder>();
services.Configure<SearchOptions>(builder.Configuration.GetSection("Parley:Search"));
services.AddScoped<ClientMessageService>();
services.AddScoped<ClientService>();
services.AddScoped<DemoSeeder>();
services.AddScoped<ChannelSenders>();
services.AddScoped<IChannelSender, ApiChannelSender>();
services.AddMessengerChannels(builder.Configuration);
services.AddWidgetChannel(builder.Configuration);
services.AddParleyFiles();

// The event bus and what reacts to it.
services.AddSingleton<InMemoryEventBus>();
services.AddSingleton<IEventBus>(sp => sp.GetRequiredService<InMemoryEventBus>());
services.AddHostedService(sp => sp.GetRequiredService<InMemoryEventBus>());
services.AddSingleton<OutboxDispatcher>();
services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
services.AddSingleton<IEventHandler>(sp => sp.GetRequiredService<OutboxDispatcher>());
services.AddSingleton<IEventHandler, TeamFanOut>();
services.AddSingleton<InactivitySweeper>();
services.AddHostedService(sp => sp.GetRequiredService<InactivitySweeper>());
services.AddDistribution();

var app = builder.Build();

await app.Services.MigrateDatabaseAsync();
if (app.Configuration.GetValue<bool>("Parley:Demo:Seed"))
{
    await using var scope = app.Services.CreateAsyncScope();
    await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedAsync();
}

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();

app.MapOpenApi("/openapi/{documentName}.json");
app.MapScalarApiReference("/api", o => o.WithTitle("Parley API").WithOpenApiRoutePattern("/openapi/{documentName}.json"));
app.MapHealth();
app.MapParleyConsole();

var api = app.MapGroup("/api/v1").RequireAuthorization();
api.MapAuthApi();
api.MapTeamApi();
api.MapConversationsApi();
api.MapClientsApi();
api.MapCatalogApi();
api.MapQuickRepliesApi();
api.MapSettingsApi();
api.MapChannelsApi();
api.MapApiChannelInbound();
api.MapDistributionApi();
app.MapMessengerChannels(api);
api.MapWidgetSettingsApi();
api.MapFilesApi();
app.MapHub<TeamHub>("/hubs/team");
app.UseWidgetChannel();
app.MapDemoPage();

await app.RunAsync();

/// <summary>The web host; public so that integration tests can start it.</summary>
public partial class Program;
