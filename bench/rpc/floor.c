/* The TCP loopback floor for bench/rpc: the smallest epoll server that answers every
   XML-RPC request (ending in </methodCall>) with a fixed getState response, no parsing.
   cc -O2 -o /tmp/floor bench/rpc/floor.c && /tmp/floor &   # 127.0.0.1:19124
   bench/rpc/target/release/rpc-bench --tcp 127.0.0.1:19124 --seconds 3 */
#define _GNU_SOURCE
#include <sys/epoll.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <unistd.h>
#include <stdio.h>
#include <fcntl.h>
/* minimal epoll HTTP responder: answers each request (ending in </methodCall>\n) with a fixed getState answer */
static const char *resp = "HTTP/1.1 200 OK\r\nServer: x\r\nContent-Type: text/xml\r\nContent-Length: 279\r\n\r\n<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><struct>\n<member>\n<name>statecode</name>\n<value><int>1</int></value>\n</member>\n<member>\n<name>statename</name>\n<value><string>RUNNING</string></value>\n</member>\n</struct></value>\n</param>\n</params>\n</methodResponse>\n";
int main(){int l=socket(AF_INET,SOCK_STREAM,0);int one=1;setsockopt(l,SOL_SOCKET,SO_REUSEADDR,&one,4);struct sockaddr_in a={0};a.sin_family=AF_INET;a.sin_port=htons(19124);a.sin_addr.s_addr=htonl(0x7f000001);bind(l,(void*)&a,sizeof a);listen(l,16);
int ep=epoll_create1(0);struct epoll_event ev={.events=EPOLLIN,.data.fd=l};epoll_ctl(ep,EPOLL_CTL_ADD,l,&ev);
char buf[16384]; size_t rl=strlen(resp);
for(;;){struct epoll_event evs[8];int n=epoll_wait(ep,evs,8,-1);for(int i=0;i<n;i++){int fd=evs[i].data.fd;if(fd==l){int c=accept4(l,0,0,SOCK_NONBLOCK);setsockopt(c,IPPROTO_TCP,TCP_NODELAY,&one,4);struct epoll_event e={.events=EPOLLIN,.data.fd=c};epoll_ctl(ep,EPOLL_CTL_ADD,c,&e);}else{int r=read(fd,buf,sizeof buf);if(r<=0){close(fd);continue;} if(memmem(buf,r,"</methodCall>",13)) write(fd,resp,rl);}}}}
