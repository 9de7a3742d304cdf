// GugusClient
