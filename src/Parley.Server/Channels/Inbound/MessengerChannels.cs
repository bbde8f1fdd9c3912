using Parley.Domain.Channels;
using Parley.Server.Channels.Meta;
using Parley.Server.Channels.Telegram;

namespace Parley.Server.Channels.Inbound;

/// <summary>Registration of the messenger channels (Telegram, Instagram, Messenger, WhatsApp) and durable inbound.</summary>
public static class MessengerChannels
{
    public static IServiceCollection AddMessengerChannels(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<TelegramOptions>(configuration.GetSection("Parley:Telegram"));
        services.Configure<MetaOptions>(configuration.GetSection("Parley:Meta"));
        // Longer than a getUpdates long poll, so that the poll ends on Telegram's side, not ours.
        services.AddHttpClient(TelegramClients.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(90));
        services.AddHttpClient(MetaGraph.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(30));

        services.AddSingleton<PublicUrls>();
        services.AddSingleton<FileStore>();
        services.AddSingleton<TelegramClients>();
        services.AddSingleton<MetaGraph>();
        services.AddScoped<ChannelConnectors>();
        services.AddScoped<InboundReceipts>();
        services.AddScoped<IChannelConnector, TelegramConnector>();
        services.AddScoped<IChannelConnector, MetaConnector>();
        services.AddScoped<IInboundProcessor, TelegramInbound>();
        services.AddScoped<IInboundProcessor, MetaInbound>();
        services.AddScoped<IChannelSender, TelegramSender>();
        foreach (var type in new[] { ChannelType.Instagram, ChannelType.Messenger, ChannelType.WhatsApp })
            services.AddScoped<IChannelSender>(sp => ActivatorUtilities.CreateInstance<MetaSender>(sp, type));

        services.AddSingleton<InboundWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<InboundWorker>());
        services.AddHostedService<TelegramPoller>();
        return services;
    }

    /// <summary>The providers' webhooks (anonymous, each checks its own secret or signature) and the files clients sent.</summary>
    public static WebApplication MapMessengerChannels(this WebApplication app, RouteGroupBuilder api)
    {
        app.MapTelegramWebhook();
        app.MapMetaWebhook();
        FileStore.MapChannelFiles(api);
        return app;
    }
}
