using MobileX.Gateway.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGateway();

var app = builder.Build();

app.UseRequestSizeLimit();
app.UseRateLimiter();

app.MapDefaultEndpoints();
app.MapReverseProxy(proxy =>
{
    proxy.UseRetryOnUnreachableReplica();
    proxy.UseSessionAffinity();
    proxy.UseLoadBalancing();
    proxy.UsePassiveHealthChecks();
});

app.Run();
