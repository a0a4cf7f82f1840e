using MobileX.Gateway.Extensions;
using MobileX.Gateway.Limits;
using MobileX.Gateway.Proxy;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGateway();

var app = builder.Build();

app.UseTrustedProxies();
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
